/**
 * Security awareness training, as other capabilities use it: the built-in course copied into an
 * organisation, what a member owes for "My work", and the reminder sweep. The parts live in
 * content.ts (the course in src/content/training), modules.ts (modules and versions),
 * attempts.ts (quizzes, certificates), status.ts (states, report, CSV) and remind.ts.
 */
export { type Attempt, type AttemptResult, takeQuiz } from './attempts.js';
export { ensureBuiltinModules } from './builtin.js';
export type { TrainingModule } from './modules.js';
export { remindTraining, trainingObligations } from './remind.js';
export { type ModuleState, myTraining, type TrainingState, trainingReport } from './status.js';
