/** The wildfire facade. Placeholder until its routes are translated: everything passes through. */
import express from 'express';
import type { FacadeFactory } from '../facade.js';
import { createPassThrough } from '../pass-through.js';

export const createFacade: FacadeFactory = (context) => {
  const router = express.Router();
  if (context.upstream) {
    router.use(createPassThrough({ upstream: context.upstream, logger: context.logger, answerFailure: (response) => response.status(502).end() }));
  }
  router.use((_request, response) => {
    response.status(404).type('text/plain').send('404 page not found');
  });
  return router;
};
