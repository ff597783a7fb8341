"""Revenue recognition (IFRS 15 / ASC 606): from an approved contract to journal entries.

The five steps, one module each, all pure functions over frozen data:

    ==================  ======================================================
    obligations.py      step 2: performance obligations and how each is
                        satisfied (ratable, point in time, input, output,
                        as incurred)
    price.py            step 3: transaction price; variable consideration
                        (expected value / most likely amount) and its
                        constraint
    allocation.py       step 4: SSPs from the catalogue; relative SSP,
                        discount to some obligations (15.82), residual
                        approach (15.79(c)), variable consideration to its
                        obligation (15.85); exact to the cent
    recognition.py      step 5: revenue per obligation per calendar month,
                        cumulative catch-up on changes of estimate
    modifications.py    amendments: separate contract, prospective, or
                        cumulative catch-up (15.20-21)
    balances.py         deferred revenue (contract liability) and unbilled
                        revenue (contract asset) per contract per period end
    journals.py         balanced billing, recognition and unbilled entries
    plan.py             all of it for one contract: ``plan_revenue``
    policy.py           the entity's judgements (residual candidates, ...)
    ==================  ======================================================

``readiness.py`` (booking readiness) is a sibling concern kept apart.

A storage or workflow layer calls ``plan_revenue(terms, catalogue, events,
as_of=...)`` for a stored contract, then ``contract_balances`` and
``period_journals`` for a period with what was billed.
"""

from billops.domain.revenue.allocation import (
    Allocation,
    AllocationLine,
    AllocationMethod,
    DiscountEvidence,
    StandalonePrice,
    allocate_transaction_price,
    standalone_selling_prices,
)
from billops.domain.revenue.balances import (
    BilledAmount,
    ContractBalance,
    contract_balances,
)
from billops.domain.revenue.journals import (
    JournalEntry,
    JournalKind,
    JournalLine,
    LedgerAccounts,
    UnbalancedEntry,
    period_journals,
)
from billops.domain.revenue.modifications import (
    AddedPromise,
    ContractModification,
    ModificationAssessment,
    ModificationKind,
    ObligationPosition,
    assess_modification,
)
from billops.domain.revenue.obligations import (
    Obligation,
    PointInTimeEvent,
    RecognitionPattern,
    identify_obligations,
    manual_obligation,
)
from billops.domain.revenue.plan import RevenuePlan, plan_revenue
from billops.domain.revenue.policy import RevenuePolicy
from billops.domain.revenue.price import (
    Discount,
    EstimationMethod,
    IncurredAmount,
    Outcome,
    TransactionPrice,
    VariableConsideration,
    determine_transaction_price,
    estimate_variable,
)
from billops.domain.revenue.recognition import (
    AllocationVersion,
    InputProgress,
    PendingRevenue,
    RecognitionEntry,
    RecognitionSchedule,
    recognition_schedule,
)

__all__ = [
    "AddedPromise",
    "Allocation",
    "AllocationLine",
    "AllocationMethod",
    "AllocationVersion",
    "BilledAmount",
    "ContractBalance",
    "ContractModification",
    "Discount",
    "DiscountEvidence",
    "EstimationMethod",
    "IncurredAmount",
    "InputProgress",
    "JournalEntry",
    "JournalKind",
    "JournalLine",
    "LedgerAccounts",
    "ModificationAssessment",
    "ModificationKind",
    "Obligation",
    "ObligationPosition",
    "Outcome",
    "PendingRevenue",
    "PointInTimeEvent",
    "RecognitionEntry",
    "RecognitionPattern",
    "RecognitionSchedule",
    "RevenuePlan",
    "RevenuePolicy",
    "StandalonePrice",
    "TransactionPrice",
    "UnbalancedEntry",
    "VariableConsideration",
    "allocate_transaction_price",
    "assess_modification",
    "contract_balances",
    "determine_transaction_price",
    "estimate_variable",
    "identify_obligations",
    "manual_obligation",
    "period_journals",
    "plan_revenue",
    "recognition_schedule",
    "standalone_selling_prices",
]
