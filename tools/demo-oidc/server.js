// Bandwagon demo OpenID provider (development and tests only).
//
// A real, certified OpenID Connect provider (npm `oidc-provider`) with a
// built-in "account picker" instead of passwords: anyone who can reach it can
// sign in as one of the demo shoppers. It therefore listens on 127.0.0.1 only.
//
// Configuration (environment variables, or the matching --flag=value argument):
//   PORT / --port              port to listen on (default 9090; 0 = pick a free port)
//   ISSUER / --issuer          issuer URL (default http://127.0.0.1:<actual port>)
//   CLIENTS / --clients        JSON array of clients:
//        [{"client_id": "...", "client_secret": "...", "redirect_uris": ["..."],
//          "token_endpoint_auth_method": "client_secret_basic" | "client_secret_post",
//          "post_logout_redirect_uris": ["..."]}]
//      Without CLIENTS one client is registered: bandwagon-demo / bandwagon-demo-secret
//      with the redirect URIs in DEMO_OIDC_REDIRECT_URIS (comma-separated).
//   DEMO_OIDC_KEY_FILE / --key-file   JSON file holding the RSA signing JWK; created
//      if missing, reused on restart (otherwise a fresh key is generated at start).
//   DEMO_OIDC_COOKIE_SECRET    secret for the provider's cookie signatures (random by default).
//   DEMO_OIDC_SLOW_MS          test knob: delay every token endpoint response by this many ms.
//   DEMO_OIDC_ID_TOKEN_TTL     test knob: ID token lifetime in seconds (default 600).
//   DEMO_OIDC_EXIT_ON_STDIN_CLOSE=1  exit when stdin closes (a test runner that dies, even by
//      SIGKILL, closes the pipe: no orphaned provider).
//
// It prints exactly one line `ready <issuer>` on stdout once it accepts connections,
// and exits with status 0 on SIGTERM or SIGINT.
//
// Flow: /auth -> (login_hint=<shopper> ? immediate login : /interaction/<uid> picker page)
//       -> the provider's resume endpoint -> redirect_uri?code=...&state=...

import {
  createHash, createPublicKey, generateKeyPair, randomBytes,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs, promisify } from 'node:util';

// ---------------------------------------------------------------------------
// Demo shoppers. No picture claim on purpose (the app shows initials).
// ---------------------------------------------------------------------------
const SHOPPERS = {
  alice: { name: 'Alice Archer', email: 'alice@bandwagon.test', email_verified: true },
  bob: { name: 'Bob Baker', email: 'bob@bandwagon.test', email_verified: true },
  carol: { name: 'Carol Chen', email: 'carol@bandwagon.test', email_verified: true },
  dave: { name: 'Dave Diaz', email: 'dave@bandwagon.test', email_verified: false },
  // The demo seed makes this account the shop's admin (the console at /console).
  admin: { name: 'Demo Admin', email: 'admin@bandwagon.test', email_verified: true },
};

const GRANTABLE_SCOPES = ['openid', 'profile', 'email'];

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------
function fail(message) {
  process.stderr.write(`demo-oidc: ${message}\n`);
  process.exit(2);
}

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    issuer: { type: 'string' },
    clients: { type: 'string' },
    'key-file': { type: 'string' },
  },
  strict: true,
  allowPositionals: false,
});

const env = process.env;
const portText = args.port ?? env.PORT ?? '9090';
const port = Number.parseInt(portText, 10);
if (!Number.isInteger(port) || port < 0 || port > 65535 || String(port) !== portText.trim()) {
  fail(`PORT must be an integer between 0 and 65535, got ${JSON.stringify(portText)}`);
}
const slowMs = Number.parseInt(env.DEMO_OIDC_SLOW_MS ?? '0', 10) || 0;
const idTokenTtl = Number.parseInt(env.DEMO_OIDC_ID_TOKEN_TTL ?? '600', 10) || 600;
const keyFile = args['key-file'] ?? env.DEMO_OIDC_KEY_FILE ?? '';

function loadClients() {
  const raw = args.clients ?? env.CLIENTS;
  let list;
  if (raw === undefined || raw.trim() === '') {
    const redirects = (env.DEMO_OIDC_REDIRECT_URIS
      ?? 'http://localhost:8000/auth/demo/callback,http://127.0.0.1:8000/auth/demo/callback')
      .split(',').map((s) => s.trim()).filter(Boolean);
    list = [{
      client_id: 'bandwagon-demo',
      client_secret: 'bandwagon-demo-secret',
      redirect_uris: redirects,
    }];
  } else {
    try {
      list = JSON.parse(raw);
    } catch (err) {
      fail(`CLIENTS is not valid JSON: ${err.message}`);
    }
    if (!Array.isArray(list)) list = [list];
  }
  return list.map((c, i) => {
    if (!c || typeof c.client_id !== 'string' || !c.client_id) fail(`CLIENTS[${i}].client_id is required`);
    if (typeof c.client_secret !== 'string' || !c.client_secret) fail(`CLIENTS[${i}].client_secret is required`);
    if (!Array.isArray(c.redirect_uris) || c.redirect_uris.length === 0) {
      fail(`CLIENTS[${i}].redirect_uris must be a non-empty array`);
    }
    const method = c.token_endpoint_auth_method ?? 'client_secret_basic';
    if (!['client_secret_basic', 'client_secret_post'].includes(method)) {
      fail(`CLIENTS[${i}].token_endpoint_auth_method must be client_secret_basic or client_secret_post`);
    }
    return {
      client_id: c.client_id,
      client_secret: c.client_secret,
      redirect_uris: c.redirect_uris,
      post_logout_redirect_uris: c.post_logout_redirect_uris ?? [],
      token_endpoint_auth_method: method,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    };
  });
}

async function loadSigningKey() {
  if (keyFile && existsSync(keyFile)) {
    try {
      const jwk = JSON.parse(readFileSync(keyFile, 'utf8'));
      if (jwk.kty !== 'RSA' || !jwk.d) throw new Error('not a private RSA JWK');
      return jwk;
    } catch (err) {
      fail(`cannot read the signing key in ${keyFile}: ${err.message}`);
    }
  }
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  // Stable key id derived from the public key.
  const pub = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  jwk.kid = `demo-${createHash('sha256').update(pub).digest('base64url').slice(0, 16)}`;
  jwk.use = 'sig';
  jwk.alg = 'RS256';
  if (keyFile) {
    writeFileSync(keyFile, JSON.stringify(jwk), { mode: 0o600 });
  }
  return jwk;
}

// ---------------------------------------------------------------------------
// Accounts and grants
// ---------------------------------------------------------------------------
async function findAccount(_ctx, sub) {
  const shopper = SHOPPERS[sub];
  if (!shopper) return undefined;
  return {
    accountId: sub,
    async claims() {
      return { sub, ...shopper };
    },
  };
}

// First-party demo: every client gets the OIDC scopes/claims it asked for, no consent page.
async function loadExistingGrant(ctx) {
  const { client, session } = ctx.oidc;
  const { Grant } = ctx.oidc.provider;
  const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
  let grant;
  if (grantId) {
    const existing = await Grant.find(grantId);
    if (existing && existing.accountId === session.accountId && existing.clientId === client.clientId) {
      grant = existing;
    }
  }
  grant ||= new Grant({ clientId: client.clientId, accountId: session.accountId });
  const scopes = [...ctx.oidc.requestParamOIDCScopes].filter((s) => GRANTABLE_SCOPES.includes(s));
  grant.addOIDCScope(scopes.join(' '));
  const claims = [...ctx.oidc.requestParamClaims];
  if (claims.length) grant.addOIDCClaims(claims);
  await grant.save();
  return grant;
}

// The demo asks which shopper signs in on every authorization request
// (unless login_hint names one), so switching shoppers needs no provider logout.
function demoPolicy({ Check, base }) {
  const policy = base();
  policy.get('login').checks.add(new Check(
    'demo_pick_shopper',
    'the demo provider asks which shopper signs in',
    'login_required',
    (ctx) => {
      if (ctx.oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
      if (ctx.oidc.prompts.has('none')) return Check.NO_NEED_TO_PROMPT;
      return Check.REQUEST_PROMPT;
    },
  ));
  return policy;
}

// ---------------------------------------------------------------------------
// Interaction pages
// ---------------------------------------------------------------------------
function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (ch) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  }[ch]));
}

function pickerPage(uid, clientId) {
  const buttons = Object.entries(SHOPPERS).map(([id, s]) => (
    `<li><button type="submit" name="account" value="${escapeHtml(id)}">`
    + `${escapeHtml(s.name)} <small>${escapeHtml(s.email)}</small></button></li>`
  )).join('\n      ');
  const base = `/interaction/${encodeURIComponent(uid)}`;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Demo sign-in (not a real account)</title>
  <link rel="icon" href="data:,"><!-- no icon: else the browser asks for /favicon.ico (404) -->
  <style>
    body { font-family: system-ui, sans-serif; max-width: 26rem; margin: 3rem auto; padding: 0 1rem; }
    ul { list-style: none; padding: 0; }
    li { margin: .5rem 0; }
    button { width: 100%; padding: .6rem; font-size: 1rem; text-align: left; cursor: pointer; }
    small { color: #555; display: block; }
    .cancel { text-align: center; }
  </style>
</head>
<body>
  <h1>Demo sign-in (not a real account)</h1>
  <p>This local provider is for trying Bandwagon. Pick a demo shopper to sign in to
     <strong>${escapeHtml(clientId)}</strong>.</p>
  <form method="post" action="${base}/login">
    <ul>
      ${buttons}
    </ul>
  </form>
  <form method="post" action="${base}/cancel">
    <button type="submit" class="cancel">Cancel</button>
  </form>
</body>
</html>`;
}

function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function finishLogin(provider, req, res, details, accountId) {
  // Switching shopper: forget the previous shopper in the provider session, so the
  // resume step does not ask to log out first.
  if (details.session?.uid && details.session.accountId && details.session.accountId !== accountId) {
    const session = await provider.Session.findByUid(details.session.uid);
    if (session) {
      session.accountId = undefined;
      session.loginTs = undefined;
      session.authorizations = {};
      await session.persist();
    }
    details.session.accountId = undefined;
    await details.save(details.exp - Math.floor(Date.now() / 1000));
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId, remember: false } },
    { mergeWithLastSubmission: false },
  );
}

async function handleInteraction(provider, req, res, pathname) {
  const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|cancel))?\/?$/.exec(pathname);
  if (!m) return send(res, 404, 'not found\n');
  const [, uid, action] = m;
  const method = req.method ?? 'GET';

  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (err) {
    return send(res, 400, `sign-in session expired or not found (${err.message}); start again from the app\n`);
  }
  if (details.uid !== uid) return send(res, 400, 'interaction mismatch\n');

  if (!action) {
    if (method !== 'GET' && method !== 'HEAD') return send(res, 405, 'method not allowed\n');
    const hint = details.params.login_hint;
    if (details.prompt.name === 'login' && typeof hint === 'string' && Object.hasOwn(SHOPPERS, hint)) {
      return finishLogin(provider, req, res, details, hint);
    }
    if (details.prompt.name !== 'login') {
      // Consent is granted in loadExistingGrant; anything else just resumes.
      return provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
    }
    return send(res, 200, pickerPage(uid, details.params.client_id), 'text/html; charset=utf-8');
  }

  if (method !== 'POST') return send(res, 405, 'method not allowed\n');
  if (action === 'cancel') {
    return provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'End-User cancelled the sign-in' },
      { mergeWithLastSubmission: false },
    );
  }
  let form;
  try {
    form = await readForm(req);
  } catch {
    return send(res, 413, 'form too large\n');
  }
  const account = form.get('account') ?? '';
  if (!Object.hasOwn(SHOPPERS, account)) return send(res, 400, 'unknown demo shopper\n');
  return finishLogin(provider, req, res, details, account);
}

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------
// Stop cleanly on SIGTERM/SIGINT, also while still starting up.
let server;
function shutdown() {
  if (!server?.listening) process.exit(0);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
if (env.DEMO_OIDC_EXIT_ON_STDIN_CLOSE === '1') {
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
}

const clients = loadClients();
// Key generation (thread pool) overlaps with loading oidc-provider: start-up stays well under 1 s.
const signingKeyPromise = loadSigningKey();
const { default: Provider, interactionPolicy } = await import('oidc-provider');
const policy = demoPolicy(interactionPolicy);
const signingKey = await signingKeyPromise;
const cookieSecret = env.DEMO_OIDC_COOKIE_SECRET || randomBytes(32).toString('base64url');

server = createServer();
let handler = (_req, res) => send(res, 503, 'starting\n');
server.on('request', (req, res) => handler(req, res));

server.on('error', (err) => fail(`cannot listen on 127.0.0.1:${port}: ${err.message}`));

server.listen(port, '127.0.0.1', () => {
  try {
    start();
  } catch (err) {
    fail(`cannot start: ${err.message}`);
  }
});

function start() {
  const actualPort = server.address().port;
  const issuer = (args.issuer ?? env.ISSUER ?? `http://127.0.0.1:${actualPort}`).replace(/\/+$/, '');
  let issuerUrl;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    fail(`ISSUER must be an absolute http(s) URL, got ${JSON.stringify(issuer)}`);
  }
  if (!['http:', 'https:'].includes(issuerUrl.protocol) || issuerUrl.pathname !== '/'
      || issuerUrl.search || issuerUrl.hash) {
    fail(`ISSUER must be an http(s) origin without path, query or fragment, got ${JSON.stringify(issuer)}`);
  }

  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [signingKey] },
    cookies: { keys: [cookieSecret] },
    findAccount,
    loadExistingGrant,
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'picture'],
    },
    scopes: ['openid', 'profile', 'email'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      userinfo: { enabled: true },
    },
    interactions: {
      policy,
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: idTokenTtl,
      Interaction: 600,
      Grant: 3600,
      Session: 3600,
    },
    renderError: async (ctx, out) => {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `${Object.entries(out).map(([k, v]) => `${k}: ${v}`).join('\n')}\n`;
    },
  });
  provider.on('server_error', (_ctx, err) => {
    process.stderr.write(`demo-oidc: server_error ${err?.stack ?? err}\n`);
  });

  const providerCallback = provider.callback();
  const tokenPath = new URL(provider.urlFor('token')).pathname;

  handler = (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (pathname.startsWith('/interaction/')) {
      handleInteraction(provider, req, res, pathname).catch((err) => {
        process.stderr.write(`demo-oidc: interaction error ${err?.stack ?? err}\n`);
        if (!res.headersSent) send(res, 500, 'internal error\n');
      });
      return;
    }
    if (slowMs > 0 && pathname === tokenPath) {
      setTimeout(() => providerCallback(req, res), slowMs);
      return;
    }
    providerCallback(req, res);
  };

  process.stdout.write(`ready ${issuer}\n`);
}
