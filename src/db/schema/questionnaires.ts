/** Tables of security questionnaires and the answer library (migration 0022_questionnaires.sql); extended by Schema in src/db/schema.ts. */

// biome-ignore lint/suspicious/noEmptyInterface: filled as the questionnaire tables are written
export interface QuestionnaireTables {}
