import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { Answers, lookupQuestionnaire, submitQuestionnaire } from './questionnaires.js';

const params = z.object({ token: z.string().min(1).max(200) });
const limit = { max: 30, timeWindow: '1 minute' };

/**
 * The questionnaire a vendor answers through its link, with no account: the token in the
 * path names the organisation and proves the link. Unknown links answer 404; expired,
 * withdrawn and already answered ones 410.
 */
export function questionnaireRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/public/vendor-questionnaires/:token',
      {
        config: { access: { public: true }, rateLimit: limit },
        schema: {
          tags: ['vendors'],
          summary: 'A questionnaire link: the organisation and vendor names, and the questions (no sign-in)',
          params,
        },
      },
      async (request) => lookupQuestionnaire(ctx, request.params.token),
    );

    app.post(
      '/public/vendor-questionnaires/:token',
      {
        config: { access: { public: true }, rateLimit: limit },
        schema: {
          tags: ['vendors'],
          summary: 'Answer a questionnaire once (no sign-in): your name and email, and an answer to every question',
          params,
          body: Answers,
        },
      },
      async (request, reply) =>
        reply.status(201).send(await submitQuestionnaire(ctx, request.params.token, request.body, request.meta)),
    );
  };
}
