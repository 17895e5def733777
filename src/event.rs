//! The event log's vocabulary: who did what to whom, and when.
//!
//! Every mechanism reports what happened as an [`Event`]; the log makes any
//! run explainable and is what event facts are scored against. Plain data,
//! indices only (codes are written by the output layer).

use serde::Serialize;

/// Kinds of event in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A state defects against a partner who cooperated last round (or opens with
    /// defection).
    Defection,
    /// A state returns to cooperation after a round of mutual defection.
    Reconciliation,
    /// A match of a matrix game ends by the continuation draw.
    MatchEnd,
    /// A state applies to join a trade regime.
    Application,
    /// A member demands a bound tariff of an accession applicant (actor: the member).
    Offer,
    /// A member votes (on an accession or a common measure).
    Vote,
    /// An applicant joins a trade regime by accession.
    Accession,
    /// A state joins an institution exogenously (from the scenario's history).
    Join,
    /// A member starts breaking a trade regime's rules.
    Violation,
    /// A member requests consultations: a dispute opens (detail: the cause,
    /// `bound` or `measure <name>`).
    Filing,
    /// A panel rules against a respondent still in violation.
    Ruling,
    /// Authorised retaliation begins.
    Retaliation,
    /// A respondent ends its violation and a dispute closes.
    Compliance,
    /// A union leader coerces a member.
    Coercion,
    /// A member leaves a customs union.
    Exit,
    /// A customs union adopts a common measure.
    MeasureAdopted,
    /// A customs union rejects a proposed measure.
    MeasureRejected,
    /// Senders impose sanctions on a target (detail: the regime; `secondary` for secondary sanctions).
    Sanction,
    /// A third state applies a sanctions regime to its own trade with the target this year.
    SanctionsCompliance,
    /// A third state joins a counter-response against the senders this year.
    CounterResponse,
    /// A member of the target's customs union suffers the sanctions' contagion shock.
    Contagion,
    /// A proposal put to a customs union's vote: a union leader's measure or
    /// CET change (detail: what), or a joint counter-response to sanctions
    /// (detail: adopted or rejected).
    Proposal,
    /// A state changes its alignment (detail: the bloc, or `hedge`).
    Alignment,
    /// A union member asks for review of a common measure (a repeal vote follows).
    Review,
    /// A union repeals a common measure on review.
    Repeal,
    /// A union changes its common external tariff on its leader's proposal.
    CetChange,
    /// An accession applicant accepts a member's demand (a bilateral deal).
    Agreement,
    /// An accession applicant rejects a member's demand.
    Rejection,
    /// An accession applicant reopens the deals it had agreed.
    Reopening,
    /// A union leader outside a trade regime holds back its partner's accession.
    Linkage,
    /// A dispute's complainant requests a panel (detail: the cause).
    PanelRequest,
    /// A dispute's respondent settles before a ruling: a mutually agreed
    /// solution (detail: the cause).
    Settlement,
    /// A dispute's respondent appeals a ruling (detail: the cause, and whether
    /// the appeal stalls the case).
    Appeal,
    /// A customs union exempts a member from its CET where the member's
    /// trade-regime bound is lower.
    Exemption,
    /// An initiative's sponsor changes what it offers a state (detail: the
    /// deepest participation it will finance: `none`, `some`, `deep`).
    Invitation,
    /// A state changes how far it takes part in an initiative (detail:
    /// `some → deep` and the like; joining and leaving are also logged as
    /// `join` and `exit`).
    Participation,
    /// A union leader starts or stops objecting to its members' taking part
    /// in an investment initiative (detail: `objects` or `withdrawn`).
    Objection,
    /// A third state lets sanctioned goods be re-exported to the target this year.
    Circumvention,
    /// A third state's re-exports to a sanctions target are detected.
    Detection,
    /// A sanctions target's union leader starts or stops rewarding members that
    /// join a counter-response (detail: the regime, and `offered` or `withdrawn`).
    Reward,
    /// A state tables a draft of a new institution (detail: its design).
    Draft,
    /// An invitee accepts a draft, or an invited state a union's invitation.
    Acceptance,
    /// An invitee refuses a draft.
    Refusal,
    /// A proposer adapts its draft after a refusal (detail: `narrower`,
    /// `shallower`, `economic`).
    Adaptation,
    /// A draft accepted by every invitee founds its institution (actor: the
    /// proposer; detail: the founding members).
    Founding,
}

impl EventKind {
    pub const ALL: &'static [EventKind] = &[
        EventKind::Defection,
        EventKind::Reconciliation,
        EventKind::MatchEnd,
        EventKind::Application,
        EventKind::Offer,
        EventKind::Vote,
        EventKind::Accession,
        EventKind::Join,
        EventKind::Violation,
        EventKind::Filing,
        EventKind::Ruling,
        EventKind::Retaliation,
        EventKind::Compliance,
        EventKind::Coercion,
        EventKind::Exit,
        EventKind::MeasureAdopted,
        EventKind::MeasureRejected,
        EventKind::Sanction,
        EventKind::SanctionsCompliance,
        EventKind::CounterResponse,
        EventKind::Contagion,
        EventKind::Proposal,
        EventKind::Alignment,
        EventKind::Review,
        EventKind::Repeal,
        EventKind::CetChange,
        EventKind::Agreement,
        EventKind::Rejection,
        EventKind::Reopening,
        EventKind::Linkage,
        EventKind::PanelRequest,
        EventKind::Settlement,
        EventKind::Appeal,
        EventKind::Exemption,
        EventKind::Invitation,
        EventKind::Participation,
        EventKind::Objection,
        EventKind::Circumvention,
        EventKind::Detection,
        EventKind::Reward,
        EventKind::Draft,
        EventKind::Acceptance,
        EventKind::Refusal,
        EventKind::Adaptation,
        EventKind::Founding,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Defection => "defection",
            EventKind::Reconciliation => "reconciliation",
            EventKind::MatchEnd => "match_end",
            EventKind::Application => "application",
            EventKind::Offer => "offer",
            EventKind::Vote => "vote",
            EventKind::Accession => "accession",
            EventKind::Join => "join",
            EventKind::Violation => "violation",
            EventKind::Filing => "filing",
            EventKind::Ruling => "ruling",
            EventKind::Retaliation => "retaliation",
            EventKind::Compliance => "compliance",
            EventKind::Coercion => "coercion",
            EventKind::Exit => "exit",
            EventKind::MeasureAdopted => "measure_adopted",
            EventKind::MeasureRejected => "measure_rejected",
            EventKind::Sanction => "sanction",
            EventKind::SanctionsCompliance => "sanctions_compliance",
            EventKind::CounterResponse => "counter_response",
            EventKind::Contagion => "contagion",
            EventKind::Proposal => "proposal",
            EventKind::Alignment => "alignment",
            EventKind::Review => "review",
            EventKind::Repeal => "repeal",
            EventKind::CetChange => "cet_change",
            EventKind::Agreement => "agreement",
            EventKind::Rejection => "rejection",
            EventKind::Reopening => "reopening",
            EventKind::Linkage => "linkage",
            EventKind::PanelRequest => "panel_request",
            EventKind::Settlement => "settlement",
            EventKind::Appeal => "appeal",
            EventKind::Exemption => "exemption",
            EventKind::Invitation => "invitation",
            EventKind::Participation => "participation",
            EventKind::Objection => "objection",
            EventKind::Circumvention => "circumvention",
            EventKind::Detection => "detection",
            EventKind::Reward => "reward",
            EventKind::Draft => "draft",
            EventKind::Acceptance => "acceptance",
            EventKind::Refusal => "refusal",
            EventKind::Adaptation => "adaptation",
            EventKind::Founding => "founding",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

/// One entry of the event log. Year is filled in by the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub year: i32,
    pub kind: EventKind,
    pub actor: usize,
    pub target: Option<usize>,
    pub institution: Option<usize>,
    pub game: Option<usize>,
    pub detail: String,
}

impl Event {
    pub fn new(kind: EventKind, actor: usize) -> Self {
        Event {
            year: 0,
            kind,
            actor,
            target: None,
            institution: None,
            game: None,
            detail: String::new(),
        }
    }

    pub fn target(mut self, target: usize) -> Self {
        self.target = Some(target);
        self
    }

    pub fn game(mut self, game: usize) -> Self {
        self.game = Some(game);
        self
    }

    pub fn institution(mut self, institution: usize) -> Self {
        self.institution = Some(institution);
        self
    }

    pub fn detail(mut self, detail: String) -> Self {
        self.detail = detail;
        self
    }
}
