/** `GET /docs`: Swagger UI (served from the swagger-ui-dist package, no CDN) over /openapi.json. */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { type Express } from 'express';

const swaggerUiDirectory = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>imbridge API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;

export function mountDocs(app: Express): void {
  app.use('/docs/assets', express.static(swaggerUiDirectory, { index: false, maxAge: '1h' }));
  app.get('/docs/init.js', (_request, response) => {
    response.type('application/javascript').send(INIT);
  });
  app.get('/docs', (_request, response) => {
    response.type('html').send(PAGE);
  });
}
