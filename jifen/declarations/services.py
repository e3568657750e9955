"""Declarations, their reviews, the committee's own records and veto proposals.

Each function runs in one transaction, checks the actor's role, then takes its locks before it
checks anything already written — the month (jifen/ledger/periods.py: may this source still
write there), then the member (limits, one waiting veto), then the declaration or proposal
itself, always in this order so that two requests never wait for each other in a circle — and
writes the audit event and, where points change, the ledger entry.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jifen import formats as fmt
from jifen.audit.services import log_action
from jifen.declarations.enums import Decision, DeclarationStatus, VetoStatus
from jifen.declarations.limits import check_item_limits, check_points
from jifen.declarations.models import DESCRIPTION_MAX_LENGTH, Declaration, VetoProposal
from jifen.errors import DomainError, InvalidState, NotPermitted
from jifen.ledger import periods
from jifen.ledger import services as ledger
from jifen.ledger.enums import Source
from jifen.notifications.services import notify, site_language
from jifen.orgs import rules
from jifen.orgs.enums import MemberState
from jifen.orgs.models import Member
from jifen.schemes.enums import ItemCategory
from jifen.schemes.models import CommendationLevel, Item, Scheme
from jifen.schemes.selectors import current_scheme

COMMITTEE_CATEGORIES = (ItemCategory.BASE, ItemCategory.PERFORMANCE, ItemCategory.DEDUCTION)


def _scheme_item(member: Member, item: Item, year: int) -> Scheme:
    scheme = current_scheme(member.branch, year)
    if scheme is None or item.scheme_id != scheme.pk:
        raise DomainError(
            _("This item is not in the scoring scheme that applies to you this year.")
        )
    if not item.applies_to(member.category):
        raise DomainError(_("This item does not apply to the member's category."))
    return scheme


def _check_evidence(item: Item, evidence: str) -> None:
    if item.evidence_required and not evidence.strip():
        raise DomainError(_("“%s” needs evidence.") % item.name, code="evidence_required")


def _check_month_number(month: int) -> None:
    if not 1 <= month <= 12:
        raise DomainError(_("There is no such month."))


def _check_description(description: str) -> None:
    if not description.strip():
        raise DomainError(_("Describe what you did."), code="description_required")
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise DomainError(
            _("Describe it in at most %(max)d characters (this has %(length)d).")
            % {"max": DESCRIPTION_MAX_LENGTH, "length": len(description)},
            code="description_too_long",
        )


def _commendation_points(item: Item, level: CommendationLevel | None, scheme: Scheme) -> Decimal:
    if level is None or level.scheme_id != scheme.pk:
        raise DomainError(_("Choose the level of the commendation."), code="level_required")
    return min(level.points, scheme.commendation_cap)


@transaction.atomic
def declaration_submit(
    *,
    actor,
    member: Member,
    year: int,
    month: int,
    item: Item,
    points: Decimal | None,
    description: str,
    evidence: str = "",
    commendation_level: CommendationLevel | None = None,
    today: datetime.date | None = None,
) -> Declaration:
    if member.user_id is None or member.user_id != actor.pk:
        raise NotPermitted(_("Members declare only for themselves."))
    scheme = _scheme_item(member, item, year)
    if not item.declarable:
        raise DomainError(_("This item is recorded by the branch, not declared."))
    _check_month_number(month)
    if item.category == ItemCategory.COMMENDATION:
        points = _commendation_points(item, commendation_level, scheme)
    else:
        commendation_level = None
        check_points(item, points)
    _check_description(description)
    _check_evidence(item, evidence)
    periods.check_declaring(member.branch, scheme, year, month, today or timezone.localdate())
    member = ledger.lock_member(member)
    if member.state != MemberState.ACTIVE:
        raise InvalidState(_("Only active members declare."))
    check_item_limits(member=member, item=item, year=year, month=month, points=points)
    declaration = Declaration.objects.create(
        member=member,
        branch=member.branch,
        year=year,
        month=month,
        item=item,
        points=points,
        description=description,
        evidence=evidence,
        commendation_level=commendation_level,
    )
    log_action(
        "declarations.declaration.submitted",
        actor=actor,
        obj=declaration,
        organisation=member.branch,
        item=item.code,
        points=str(points),
        month=month,
    )
    return declaration


@transaction.atomic
def declaration_withdraw(*, actor, declaration: Declaration) -> Declaration:
    if declaration.member.user_id != actor.pk:
        raise NotPermitted()
    # Under the declaration's lock: a review deciding it at the same moment goes first or
    # finds it withdrawn, never both.
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.status != DeclarationStatus.SUBMITTED:
        raise InvalidState(
            _("Only a declaration not yet reviewed can be withdrawn."), code="already_decided"
        )
    declaration.status = DeclarationStatus.WITHDRAWN
    declaration.save(update_fields=["status"])
    log_action(
        "declarations.declaration.withdrawn",
        actor=actor,
        obj=declaration,
        organisation=declaration.branch,
    )
    return declaration


def _lock_for_decision(declaration: Declaration, expected: str) -> Declaration:
    # Re-read under lock so that two reviewers (or a double click) cannot both decide.
    fresh = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if fresh.status != expected:
        raise InvalidState(_("This declaration has already been decided."), code="already_decided")
    return fresh


@transaction.atomic
def declaration_review(
    *,
    actor,
    declaration: Declaration,
    decision: str,
    points: Decimal | None = None,
    reason: str = "",
) -> Declaration:
    """The branch committee's decision. An approved commendation goes on to the parent
    organisation; anything else approved or adjusted becomes a ledger entry."""
    if not rules.can_work_in_branch(actor, declaration.branch):
        raise NotPermitted()
    if declaration.member.user_id == actor.pk:
        raise NotPermitted(_("Nobody reviews their own declaration."), code="own_declaration")
    periods.check(declaration.branch, declaration.year, declaration.month, Source.DECLARATION)
    ledger.lock_member(declaration.member)
    declaration = _lock_for_decision(declaration, DeclarationStatus.SUBMITTED)
    if decision != Decision.APPROVE and not reason.strip():
        raise DomainError(_("Give the reason for adjusting or rejecting."), code="reason_required")
    if decision == Decision.ADJUST:
        if declaration.item.category == ItemCategory.COMMENDATION:
            raise DomainError(_("A commendation's points follow its level; approve or reject it."))
        check_points(declaration.item, points)
    if decision != Decision.REJECT:
        _check_limits_again(declaration, points if decision == Decision.ADJUST else None)
    declaration.branch_decided_by, declaration.branch_decided_at = actor, timezone.now()
    declaration.decision_reason = reason
    if decision == Decision.REJECT:
        declaration.status = DeclarationStatus.REJECTED
    elif declaration.item.category == ItemCategory.COMMENDATION:
        declaration.status = DeclarationStatus.FORWARDED
    else:
        granted = points if decision == Decision.ADJUST else declaration.points
        declaration.status = (
            DeclarationStatus.ADJUSTED
            if decision == Decision.ADJUST
            else DeclarationStatus.APPROVED
        )
        declaration.points_granted = granted
        declaration.entry = _entry_for(actor, declaration, granted, Source.DECLARATION)
    declaration.save()
    _tell_member(declaration)
    log_action(
        "declarations.declaration.reviewed",
        actor=actor,
        obj=declaration,
        organisation=declaration.branch,
        decision=decision,
        reason=reason,
        status=declaration.status,
    )
    return declaration


def _decision_text(declaration: Declaration) -> str:
    values = {
        "item": declaration.item.name,
        "period": f"{declaration.year}-{declaration.month:02d}",
        "points": fmt.points(declaration.points_granted or 0),
        "declared": fmt.points(declaration.points or 0),
        "reason": declaration.decision_reason,
    }
    by_parent = declaration.parent_decided_at is not None
    if declaration.status == DeclarationStatus.FORWARDED:
        text = _(
            "The branch approved your commendation “%(item)s”; it now goes to the parent "
            "organisation for review."
        )
    elif declaration.status == DeclarationStatus.REJECTED and by_parent:
        text = _("The parent organisation returned your commendation “%(item)s”: %(reason)s")
    elif declaration.status == DeclarationStatus.REJECTED:
        text = _("Your declaration “%(item)s” for %(period)s was rejected: %(reason)s")
    elif by_parent:
        text = _(
            "The parent organisation approved your commendation “%(item)s”: %(points)s points "
            "are added to your year."
        )
    elif declaration.status == DeclarationStatus.ADJUSTED:
        text = _(
            "Your declaration “%(item)s” for %(period)s was approved with %(points)s points "
            "instead of %(declared)s: %(reason)s"
        )
    else:
        text = _("Your declaration “%(item)s” for %(period)s was approved: %(points)s points.")
    return text % values


def _tell_member(declaration: Declaration) -> None:
    """The member learns of each decision on their declaration, in the decision's transaction."""
    with site_language():
        text = _decision_text(declaration)
    notify(
        declaration.member.user,
        key=f"declaration:{declaration.pk}:{declaration.status}",
        text=text,
        url=reverse("portal:my_declarations"),
    )


def _check_limits_again(declaration: Declaration, points: Decimal | None) -> None:
    """At the decision the limits are counted again against what the archive holds now, this
    declaration being the one more use: a declaration approved since, or a committee record,
    can have used up what was free when it was submitted."""
    check_item_limits(
        member=declaration.member,
        item=declaration.item,
        year=declaration.year,
        month=declaration.month,
        points=declaration.points if points is None else points,
        count_pending=False,
    )


def _entry_for(actor, declaration: Declaration, points: Decimal, source: str):
    return ledger.append_entry(
        actor=actor,
        member=declaration.member,
        year=declaration.year,
        month=declaration.month,
        item=declaration.item,
        points=points,
        source=source,
        reason=declaration.decision_reason or declaration.description,
        evidence=declaration.evidence,
        commendation_level=declaration.commendation_level,
        branch=declaration.branch,
    )


@transaction.atomic
def declaration_parent_review(
    *, actor, declaration: Declaration, approve: bool, reason: str = ""
) -> Declaration:
    """The parent organisation's review (党总支审核) of a commendation the branch approved."""
    if not rules.can_review_for(actor, declaration.branch):
        raise NotPermitted()
    periods.check(declaration.branch, declaration.year, declaration.month, Source.COMMENDATION)
    ledger.lock_member(declaration.member)
    declaration = _lock_for_decision(declaration, DeclarationStatus.FORWARDED)
    if not approve and not reason.strip():
        raise DomainError(
            _("Give the reason for returning the commendation."), code="reason_required"
        )
    declaration.parent_decided_by, declaration.parent_decided_at = actor, timezone.now()
    if approve:
        declaration.status = DeclarationStatus.APPROVED
        declaration.points_granted = declaration.points
        declaration.decision_reason = reason
        declaration.entry = _entry_for(actor, declaration, declaration.points, Source.COMMENDATION)
    else:
        declaration.status = DeclarationStatus.REJECTED
        declaration.decision_reason = reason
    declaration.save()
    _tell_member(declaration)
    log_action(
        "declarations.commendation.reviewed",
        actor=actor,
        obj=declaration,
        organisation=declaration.branch,
        approve=approve,
        reason=reason,
    )
    return declaration


@transaction.atomic
def committee_record(
    *,
    actor,
    member: Member,
    year: int,
    month: int,
    item: Item,
    points: Decimal,
    reason: str,
    evidence: str = "",
):
    """The committee records points it found itself: most often a deduction (扣分)."""
    if not rules.can_work_in_branch(actor, member.branch):
        raise NotPermitted()
    if member.user_id == actor.pk:
        raise NotPermitted(_("Nobody records points for themselves."), code="own_record")
    if item.category not in COMMITTEE_CATEGORIES:
        raise DomainError(_("Commendations and vetoes have their own approval procedure."))
    _scheme_item(member, item, year)
    _check_month_number(month)
    check_points(item, points)
    _check_evidence(item, evidence)
    periods.check(member.branch, year, month, Source.COMMITTEE)
    member = ledger.lock_member(member)
    check_item_limits(member=member, item=item, year=year, month=month, points=points)
    return ledger.append_entry(
        actor=actor,
        member=member,
        year=year,
        month=month,
        item=item,
        points=points,
        source=Source.COMMITTEE,
        reason=reason,
        evidence=evidence,
    )


@transaction.atomic
def veto_propose(
    *, actor, member: Member, year: int, month: int, item: Item, reason: str, evidence: str
) -> VetoProposal:
    if not rules.can_work_in_branch(actor, member.branch):
        raise NotPermitted()
    if item.category != ItemCategory.VETO:
        raise DomainError(_("Choose a veto item."))
    _scheme_item(member, item, year)
    _check_month_number(month)
    if not reason.strip() or not evidence.strip():
        raise DomainError(_("A veto needs the facts and the evidence."), code="evidence_required")
    periods.check(member.branch, year, month, Source.VETO)
    member = ledger.lock_member(member)
    # The partial unique index one_waiting_veto_per_member_year says the same in the database.
    if VetoProposal.objects.filter(member=member, year=year, status=VetoStatus.PROPOSED).exists():
        raise InvalidState(_("A veto proposal for this member is already waiting."))
    proposal = VetoProposal.objects.create(
        member=member,
        branch=member.branch,
        year=year,
        month=month,
        item=item,
        reason=reason,
        evidence=evidence,
        proposed_by=actor,
    )
    log_action(
        "declarations.veto.proposed",
        actor=actor,
        obj=proposal,
        organisation=member.branch,
        member=member,
        reason=reason,
    )
    return proposal


def _tell_veto_decision(proposal: VetoProposal) -> None:
    """The proposer learns the parent organisation's decision; the member, a confirmed veto
    (it sets their year's score to 0)."""
    values = {"member": proposal.member.name, "year": proposal.year}
    values["reason"] = proposal.decision_reason
    with site_language():
        if proposal.status == VetoStatus.CONFIRMED:
            to_proposer = _("The parent organisation confirmed the veto for %(member)s: %(reason)s")
            to_member = _(
                "The parent organisation confirmed a veto (一票否决) of your %(year)d score: "
                "%(reason)s"
            )
        else:
            to_proposer = _(
                "The parent organisation did not confirm the veto for %(member)s: %(reason)s"
            )
            to_member = ""
    key = f"veto:{proposal.pk}:{proposal.status}"
    url = reverse("portal:veto_propose", args=[proposal.branch_id])
    notify(proposal.proposed_by, key=key, text=to_proposer % values, url=url)
    if to_member:
        notify(proposal.member.user, key=key, text=to_member % values, url=reverse("portal:me"))


@transaction.atomic
def veto_decide(*, actor, proposal: VetoProposal, confirm: bool, reason: str) -> VetoProposal:
    """The parent organisation confirms (the year's score becomes 0) or does not confirm."""
    if not rules.can_review_for(actor, proposal.branch):
        raise NotPermitted()
    periods.check(proposal.branch, proposal.year, proposal.month, Source.VETO)
    ledger.lock_member(proposal.member)
    proposal = VetoProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != VetoStatus.PROPOSED:
        raise InvalidState(
            _("This veto proposal has already been decided."), code="already_decided"
        )
    if not reason.strip():
        raise DomainError(_("Give the reason for the decision."), code="reason_required")
    proposal.status = VetoStatus.CONFIRMED if confirm else VetoStatus.REJECTED
    proposal.decided_by, proposal.decided_at, proposal.decision_reason = (
        actor,
        timezone.now(),
        reason,
    )
    if confirm:
        proposal.entry = ledger.append_entry(
            actor=actor,
            member=proposal.member,
            year=proposal.year,
            month=proposal.month,
            item=proposal.item,
            points=Decimal(0),
            source=Source.VETO,
            reason=f"{proposal.reason}\n{reason}",
            evidence=proposal.evidence,
            branch=proposal.branch,
        )
    proposal.save()
    _tell_veto_decision(proposal)
    log_action(
        "declarations.veto.decided",
        actor=actor,
        obj=proposal,
        organisation=proposal.branch,
        confirm=confirm,
        reason=reason,
    )
    return proposal
