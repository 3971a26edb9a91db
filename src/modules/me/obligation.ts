/**
 * One thing the signed-in person owes the security program: a policy to accept, a training
 * module, the confidentiality agreement, access review decisions, an access request to decide.
 * Each capability lists its own (`<capability>Obligations(tx, user, now)`); `/me/obligations`
 * gathers them for the member's "My work" page.
 */
export interface Obligation {
  kind:
    | 'policy'
    | 'training'
    | 'agreement'
    | 'access_review'
    | 'access_request'
    | 'task'
    | 'risk_assessment'
    | 'assessment_finding';
  /** The thing owed (policy id, module id, campaign id, …); unique within its kind. */
  id: string;
  title: string;
  /** One sentence: what to do ("Read and sign the agreement before your first day"). */
  detail: string;
  /** Where in the web app to do it ("/training/<id>"). */
  href: string;
  /** ISO time, or null when there is no deadline. */
  dueAt: string | null;
  overdue: boolean;
}

/** Who owes: the signed-in user (people are matched to users by lower-cased email). */
export interface ObligationUser {
  id: string;
  email: string;
}
