// Fedify interop peer for Camtree's test suite.
//
// A single-actor ActivityPub server built on Fedify's public API, listening on
// 127.0.0.1 only, plus a small JSON control API under /_control that lets a
// test drive it (follow, post a note, like, announce, read what arrived).
//
// Usage:  node peer.mjs --port 0      (0 = any free port)
// stdout: exactly one line, "READY http://127.0.0.1:<port>", once listening.
// stderr: LogTape output (Fedify's "fedify" category at info, HTTP signature
//         details at debug), plus this peer's own log lines.

import { AsyncLocalStorage } from "node:async_hooks";
import { Console } from "node:console";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";

import {
  createFederation,
  generateCryptoKeyPair,
  MemoryKvStore,
  SendActivityError,
  verifyObject,
} from "@fedify/fedify";
import {
  Accept,
  Activity,
  Announce,
  Article,
  Create,
  Delete,
  Endpoints,
  Follow,
  isActor,
  Like,
  Mention,
  Note,
  Person,
  PUBLIC_COLLECTION,
  Reject,
  Undo,
  Update,
} from "@fedify/fedify/vocab";
import { serve } from "@hono/node-server";
import { Temporal } from "@js-temporal/polyfill";
import {
  configure,
  getConsoleSink,
  getLogger,
  getTextFormatter,
} from "@logtape/logtape";

const HOST = "127.0.0.1";
const ACTOR = "fedi";

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    "log-level": { type: "string" },
    // Which HTTP signature scheme Fedify tries first when it sends: "rfc9421" (its default, falling back to
    // draft-cavage on a 4xx) or "draft-cavage-http-signatures-12" (the scheme Mastodon speaks).
    "first-knock": { type: "string", default: "rfc9421" },
  },
  strict: true,
});
const requestedPort = Number.parseInt(args.port, 10);
if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
  process.stderr.write(`invalid --port: ${args.port}\n`);
  process.exit(2);
}
// --log-level (or FEDIFY_PEER_LOG_LEVEL) lowers/raises the whole "fedify"
// category; the default is "info".
const fedifyLevel = args["log-level"] ?? process.env.FEDIFY_PEER_LOG_LEVEL ?? "info";

// ---------------------------------------------------------------------------
// Logging: everything goes to stderr; stdout is reserved for the READY line.
// ---------------------------------------------------------------------------

const stderrConsole = new Console({ stdout: process.stderr, stderr: process.stderr });
await configure({
  sinks: {
    stderr: getConsoleSink({ console: stderrConsole, formatter: getTextFormatter() }),
  },
  loggers: [
    { category: "fedify", sinks: ["stderr"], lowestLevel: fedifyLevel },
    // Fedify reports the RFC 9421 -> draft-cavage fallback ("double-knocking")
    // and signature verification details only at debug level in this
    // category, so it is kept at debug: that is what you want to read when a
    // delivery or an inbound signature fails.
    {
      category: ["fedify", "sig", "http"],
      sinks: ["stderr"],
      parentSinks: "override",
      lowestLevel: "debug",
    },
    { category: "fedify-peer", sinks: ["stderr"], lowestLevel: "debug" },
    { category: ["logtape", "meta"], sinks: ["stderr"], lowestLevel: "warning" },
  ],
  contextLocalStorage: new AsyncLocalStorage(),
});
const log = getLogger(["fedify-peer"]);

// Outgoing HTTP requests (deliveries, lookups) are logged with their status so
// a failing test shows exactly what the remote server answered.  For inbox
// POSTs the signature flavour is named: "rfc9421" when Signature-Input is
// present, "draft-cavage" when only Signature is, so Fedify's double-knocking
// (RFC 9421 first, then draft-cavage on 4xx) is visible at info level.
const httpLog = getLogger(["fedify-peer", "http"]);
const originalFetch = globalThis.fetch;
globalThis.fetch = async function loggedFetch(input, init) {
  const request = input instanceof Request ? input : null;
  const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
  const url = request?.url ?? String(input);
  const headers = new Headers(init?.headers ?? request?.headers ?? undefined);
  const signature = headers.has("signature-input")
    ? "rfc9421"
    : headers.has("signature")
      ? "draft-cavage"
      : "unsigned";
  let response;
  try {
    response = await originalFetch(input, init);
  } catch (error) {
    httpLog.warn("{method} {url} [{signature}] failed: {error}", { method, url, signature, error });
    throw error;
  }
  const props = { method, url, signature, status: response.status };
  if (response.status >= 400) {
    let body = "";
    try {
      body = (await response.clone().text()).slice(0, 500);
    } catch {
      // ignore: the body is only for the log line
    }
    httpLog.warn("{method} {url} [{signature}] -> {status} {body}", { ...props, body });
  } else {
    httpLog.info("{method} {url} [{signature}] -> {status}", props);
  }
  return response;
};

// ---------------------------------------------------------------------------
// In-memory state
// ---------------------------------------------------------------------------

/** Inbound activities in arrival order. */
const received = [];
/** Follower actor IRI -> Recipient-like actor object (Fedify Actor). */
const followers = new Map();
/** Inbound Follow id -> follower actor IRI (so a bare-IRI Undo can be matched). */
const inboundFollows = new Map();
/** Target actor IRI -> { follow: Follow, followId, target, state }. */
const following = new Map();
/** Note local id -> Note (served by the object dispatcher). */
const notes = new Map();
/** Public activities sent by fedi, newest last (served as the outbox). */
const outbox = [];

let origin; // e.g. "http://127.0.0.1:12345", fixed once listening
let federation;

function newActivityId() {
  return new URL(`/activities/${randomUUID()}`, origin);
}

// ---------------------------------------------------------------------------
// Keys: one RSASSA-PKCS1-v1_5 (HTTP Signatures, LD Signatures) and one Ed25519
// (Object Integrity Proofs) key pair, generated once per process.
// ---------------------------------------------------------------------------

const rsaKeyPair = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
const ed25519KeyPair = await generateCryptoKeyPair("Ed25519");

// ---------------------------------------------------------------------------
// Federation
// ---------------------------------------------------------------------------

function buildFederation(originUrl) {
  const fed = createFederation({
    kv: new MemoryKvStore(),
    // No queue: sendActivity() delivers immediately and throws on failure,
    // which is what lets the control API report send errors as HTTP 500.
    origin: originUrl,
    allowPrivateAddress: true,
    // skipSignatureVerification is deliberately left at its default (false).
    // firstKnock: Fedify signs with this scheme first and falls back to the
    // other on a 4xx (double-knocking).
    firstKnock: args["first-knock"],
  });

  fed
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (identifier !== ACTOR) return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: ACTOR,
        name: "Fedify Peer",
        summary: "Fedify-based interop test peer for Camtree",
        url: ctx.getActorUri(identifier),
        inbox: ctx.getInboxUri(identifier),
        outbox: ctx.getOutboxUri(identifier),
        followers: ctx.getFollowersUri(identifier),
        following: ctx.getFollowingUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        manuallyApprovesFollowers: false,
        publicKey: keys[0].cryptographicKey,
        assertionMethods: keys.map((k) => k.multikey),
      });
    })
    .setKeyPairsDispatcher((_ctx, identifier) =>
      identifier === ACTOR ? [rsaKeyPair, ed25519KeyPair] : []
    )
    // The WebFinger username and the actor identifier are the same ("fedi").
    .mapHandle((_ctx, username) => (username === ACTOR ? ACTOR : null));

  fed
    .setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) => {
      if (identifier !== ACTOR) return null;
      return { items: [...followers.values()] };
    })
    .setCounter((_ctx, identifier) => (identifier === ACTOR ? followers.size : null));

  fed
    .setFollowingDispatcher("/users/{identifier}/following", (_ctx, identifier) => {
      if (identifier !== ACTOR) return null;
      const items = [...following.values()]
        .filter((f) => f.state === "accepted")
        .map((f) => new URL(f.target));
      return { items };
    })
    .setCounter((_ctx, identifier) =>
      identifier === ACTOR
        ? [...following.values()].filter((f) => f.state === "accepted").length
        : null
    );

  fed
    .setOutboxDispatcher("/users/{identifier}/outbox", (_ctx, identifier) => {
      if (identifier !== ACTOR) return null;
      return { items: [...outbox].reverse() };
    })
    .setCounter((_ctx, identifier) => (identifier === ACTOR ? outbox.length : null));

  fed.setObjectDispatcher(Note, "/notes/{id}", (_ctx, values) => notes.get(values.id) ?? null);

  fed
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Follow, async (ctx, follow) => {
      await record(ctx, follow);
      if (follow.id == null || follow.actorId == null || follow.objectId == null) {
        log.warn("Ignoring Follow without id/actor/object: {id}", { id: follow.id?.href });
        return;
      }
      const target = ctx.parseUri(follow.objectId);
      if (target?.type !== "actor" || target.identifier !== ACTOR) {
        log.warn("Ignoring Follow of unknown object {object}", { object: follow.objectId.href });
        return;
      }
      const follower = await follow.getActor(ctx);
      if (follower == null || follower.id == null) {
        throw new Error(`could not fetch the follower actor ${follow.actorId.href}`);
      }
      followers.set(follower.id.href, follower);
      inboundFollows.set(follow.id.href, follower.id.href);
      const accept = new Accept({
        id: newActivityId(),
        actor: ctx.getActorUri(ACTOR),
        to: follower.id,
        object: follow,
      });
      log.info("Accepting Follow {follow} from {follower}", {
        follow: follow.id.href,
        follower: follower.id.href,
      });
      // Errors propagate: Fedify logs them and answers the inbox POST with 500.
      await ctx.sendActivity({ identifier: ACTOR }, follower, accept);
      log.info("Delivered Accept {id} to {follower}", {
        id: accept.id.href,
        follower: follower.id.href,
      });
    })
    .on(Accept, async (ctx, accept) => {
      await record(ctx, accept);
      updateFollowingState(accept, "accepted");
    })
    .on(Reject, async (ctx, reject) => {
      await record(ctx, reject);
      updateFollowingState(reject, "rejected");
    })
    .on(Undo, async (ctx, undo) => {
      await record(ctx, undo);
      const actorId = undo.actorId?.href;
      let followerId = null;
      const objectId = undo.objectId?.href;
      if (objectId != null && inboundFollows.has(objectId)) {
        followerId = inboundFollows.get(objectId);
      } else {
        let object = null;
        try {
          object = await undo.getObject(ctx);
        } catch (e) {
          log.warn("Could not resolve the object of Undo {id}: {error}", {
            id: undo.id?.href,
            error: e,
          });
        }
        if (object instanceof Follow) followerId = object.actorId?.href ?? null;
      }
      if (followerId != null && followerId === actorId) {
        followers.delete(followerId);
        if (objectId != null) inboundFollows.delete(objectId);
        log.info("Removed follower {follower}", { follower: followerId });
      }
    })
    .on(Create, (ctx, create) => record(ctx, create))
    .on(Update, (ctx, update) => record(ctx, update))
    .on(Delete, (ctx, del) => record(ctx, del))
    .on(Like, (ctx, like) => record(ctx, like))
    .on(Announce, (ctx, announce) => record(ctx, announce))
    // Anything else (Move, Block, Add, ...) is still recorded.
    .on(Activity, (ctx, activity) => record(ctx, activity))
    .onError((_ctx, error) => {
      log.error("Inbox listener failed: {error}", { error });
    });

  return fed;
}

function updateFollowingState(response, state) {
  const objectId = response.objectId?.href;
  const actorId = response.actorId?.href;
  for (const entry of following.values()) {
    if (entry.followId === objectId || (objectId == null && entry.target === actorId)) {
      entry.state = state;
      log.info("Follow {follow} of {target} is now {state}", {
        follow: entry.followId,
        target: entry.target,
        state,
      });
      return;
    }
  }
  // Some servers put the followed actor or a copy of the Follow without our
  // id in `object`; fall back to the responding actor.
  const entry = actorId == null ? null : following.get(actorId);
  if (entry != null) {
    entry.state = state;
    log.info("Follow of {target} is now {state} (matched by actor)", {
      target: entry.target,
      state,
    });
  } else {
    log.warn("{type} {id} matches no Follow sent by this peer", {
      type: response.constructor.name,
      id: response.id?.href,
    });
  }
}

async function record(ctx, activity) {
  const raw = await activity.toJsonLd({ contextLoader: ctx.contextLoader });
  const rawObject = raw?.object ?? null;
  const entry = {
    type: typeof raw?.type === "string" ? raw.type : activity.constructor.name,
    id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null,
    objectId: activity.objectId?.href ?? null,
    objectType:
      rawObject != null && typeof rawObject === "object" && !Array.isArray(rawObject)
        ? rawObject.type ?? null
        : null,
    object: rawObject,
    raw,
    recipient: ctx.recipient,
    receivedAt: new Date().toISOString(),
  };
  if (activity instanceof Create || activity instanceof Update) {
    try {
      const object = await activity.getObject(ctx);
      if (object instanceof Note || object instanceof Article) {
        entry.objectType ??= object instanceof Note ? "Note" : "Article";
        entry.name = object.name?.toString() ?? null;
        entry.content = object.content?.toString() ?? null;
        entry.inReplyTo = object.replyTargetId?.href ?? null;
        entry.attributedTo = object.attributionId?.href ?? null;
      }
    } catch (e) {
      log.warn("Could not resolve the object of {type} {id}: {error}", {
        type: entry.type,
        id: entry.id,
        error: e,
      });
    }
  }
  received.push(entry);
  log.info("Received {type} {id} from {actor} (object {objectType} {objectId})", entry);
}

// ---------------------------------------------------------------------------
// Control API
// ---------------------------------------------------------------------------

class ControlError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function json(status, body) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8" },
  });
}

async function readBody(request) {
  const text = await request.text();
  if (text.trim() === "") return {};
  try {
    const body = JSON.parse(text);
    if (body == null || typeof body !== "object" || Array.isArray(body)) {
      throw new Error("not an object");
    }
    return body;
  } catch {
    throw new ControlError(400, "request body must be a JSON object");
  }
}

function requireString(body, name) {
  const value = body[name];
  if (typeof value !== "string" || value.trim() === "") {
    throw new ControlError(400, `"${name}" (string) is required`);
  }
  return value.trim();
}

function optionalString(body, name) {
  const value = body[name];
  if (value == null) return null;
  if (typeof value !== "string") throw new ControlError(400, `"${name}" must be a string`);
  return value.trim() === "" ? null : value.trim();
}

function parseIri(value, name) {
  try {
    return new URL(value);
  } catch {
    throw new ControlError(400, `"${name}" must be an absolute IRI`);
  }
}

/**
 * Resolves an actor IRI or a handle (user@host[:port], optionally prefixed
 * by "@" or "acct:") to a Fedify Actor object.
 *
 * IRIs go straight to ctx.lookupObject().  For handles, Fedify's WebFinger
 * client always queries https://host/.well-known/webfinger, which cannot work
 * against a plain-HTTP loopback server, so the WebFinger request is made here
 * over this peer's own scheme (http) and the `self` link is then looked up
 * with ctx.lookupObject().
 */
async function resolveActor(ctx, target) {
  let actorIri;
  if (/^https?:\/\//i.test(target)) {
    actorIri = target;
  } else {
    const handle = target.replace(/^acct:/i, "").replace(/^@/, "");
    const at = handle.lastIndexOf("@");
    if (at <= 0 || at === handle.length - 1) {
      throw new ControlError(400, `not an actor IRI or a handle: ${target}`);
    }
    const host = handle.slice(at + 1);
    const wf = new URL(`${new URL(origin).protocol}//${host}/.well-known/webfinger`);
    wf.searchParams.set("resource", `acct:${handle}`);
    log.debug("WebFinger lookup {url}", { url: wf.href });
    const res = await fetch(wf, {
      headers: { Accept: "application/jrd+json, application/json" },
    });
    const bodyText = await res.text();
    if (!res.ok) {
      throw new ControlError(
        500,
        `WebFinger ${wf.href} answered ${res.status}: ${bodyText.slice(0, 500)}`,
      );
    }
    let jrd;
    try {
      jrd = JSON.parse(bodyText);
    } catch {
      throw new ControlError(500, `WebFinger ${wf.href} did not return JSON`);
    }
    const self = (jrd.links ?? []).find(
      (l) =>
        l.rel === "self" &&
        typeof l.href === "string" &&
        (l.type == null || /activity\+json|ld\+json/.test(l.type)),
    );
    if (self == null) {
      throw new ControlError(500, `WebFinger ${wf.href} has no ActivityPub self link`);
    }
    actorIri = self.href;
  }
  const object = await ctx.lookupObject(actorIri);
  if (object == null) throw new ControlError(500, `could not look up ${actorIri}`);
  if (!isActor(object)) {
    throw new ControlError(400, `${actorIri} is a ${object.constructor.name}, not an actor`);
  }
  return object;
}

function describe(actor) {
  return actor.id?.href ?? "(unknown actor)";
}

async function send(ctx, recipients, activity) {
  const list = Array.isArray(recipients) ? recipients : [recipients];
  await ctx.sendActivity({ identifier: ACTOR }, list, activity);
  log.info("Delivered {type} {id} to {recipients}", {
    type: activity.constructor.name,
    id: activity.id?.href,
    recipients: list.map(describe).join(", "),
  });
}

async function sendToFollowersAnd(ctx, activity, extra) {
  if (followers.size > 0) {
    await ctx.sendActivity({ identifier: ACTOR }, "followers", activity);
    log.info("Delivered {type} {id} to followers: {followers}", {
      type: activity.constructor.name,
      id: activity.id?.href,
      followers: [...followers.keys()].join(", "),
    });
  }
  if (extra != null && (extra.id == null || !followers.has(extra.id.href))) {
    await send(ctx, extra, activity);
  }
}

const routes = {
  "GET /_control/health": (ctx) => {
    const actor = ctx.getActorUri(ACTOR);
    return json(200, { actor: actor.href, handle: `${ACTOR}@${actor.host}` });
  },

  "GET /_control/received": () => json(200, received),

  // Every request that reached the peer's federation endpoints, with the HTTP signature scheme it carried and the
  // status it got: how a test sees which scheme Camtree knocked with first.
  "GET /_control/requests": () => json(200, incoming),

  // Play a server that verifies draft-cavage only (as Mastodon did before RFC 9421): inbox POSTs carrying
  // Signature-Input are refused with 401 before Fedify sees them. Body: {"refuse": true|false}.
  "POST /_control/refuse-rfc9421": (ctx, body) => {
    refuseRfc9421 = body?.refuse === true;
    return json(200, { refuse: refuseRfc9421 });
  },

  "DELETE /_control/received": () => {
    received.length = 0;
    return json(200, { cleared: true });
  },

  "GET /_control/followers": () => json(200, [...followers.keys()]),

  "GET /_control/following": () =>
    json(
      200,
      [...following.values()].map(({ target, followId, state }) => ({ target, follow: followId, state })),
    ),

  "POST /_control/follow": async (ctx, body) => {
    const target = await resolveActor(ctx, requireString(body, "target"));
    const follow = new Follow({
      id: newActivityId(),
      actor: ctx.getActorUri(ACTOR),
      object: target.id,
      to: target.id,
    });
    following.set(target.id.href, {
      target: target.id.href,
      followId: follow.id.href,
      follow,
      state: "pending",
    });
    await send(ctx, target, follow);
    return json(200, { follow: follow.id.href });
  },

  "POST /_control/unfollow": async (ctx, body) => {
    const targetIri = parseIri(requireString(body, "target"), "target").href;
    const entry = following.get(targetIri);
    if (entry == null) throw new ControlError(409, `fedi has not followed ${targetIri}`);
    const target = await resolveActor(ctx, targetIri);
    const undo = new Undo({
      id: newActivityId(),
      actor: ctx.getActorUri(ACTOR),
      object: entry.follow,
      to: target.id,
    });
    await send(ctx, target, undo);
    following.delete(targetIri);
    return json(200, { undo: undo.id.href });
  },

  "POST /_control/note": async (ctx, body) => {
    const content = requireString(body, "content");
    const inReplyTo = optionalString(body, "inReplyTo");
    const to = optionalString(body, "to");
    const toActor = to == null ? null : await resolveActor(ctx, to);
    const localId = randomUUID();
    const noteId = ctx.getObjectUri(Note, { id: localId });
    const actorUri = ctx.getActorUri(ACTOR);
    const ccs = [ctx.getFollowersUri(ACTOR)];
    const tags = [];
    if (toActor != null) {
      ccs.push(toActor.id);
      const username = toActor.preferredUsername?.toString();
      tags.push(
        new Mention({
          href: toActor.id,
          name: username == null ? toActor.id.href : `@${username}@${toActor.id.host}`,
        }),
      );
    }
    const published = Temporal.Now.instant();
    const note = new Note({
      id: noteId,
      attribution: actorUri,
      to: PUBLIC_COLLECTION,
      ccs,
      tags,
      content,
      replyTarget: inReplyTo == null ? null : parseIri(inReplyTo, "inReplyTo"),
      url: noteId,
      published,
    });
    const create = new Create({
      id: newActivityId(),
      actor: actorUri,
      to: PUBLIC_COLLECTION,
      ccs,
      object: note,
      published,
    });
    notes.set(localId, note);
    outbox.push(create);
    await sendToFollowersAnd(ctx, create, toActor);
    return json(200, { create: create.id.href, note: noteId.href });
  },

  "POST /_control/like": async (ctx, body) => {
    const object = parseIri(requireString(body, "object"), "object");
    const toActor = await resolveActor(ctx, requireString(body, "to"));
    const like = new Like({
      id: newActivityId(),
      actor: ctx.getActorUri(ACTOR),
      object,
      to: toActor.id,
    });
    await send(ctx, toActor, like);
    return json(200, { like: like.id.href });
  },

  // Asks Fedify's own verifier whether a document's object integrity proofs (FEP-8b32) hold: the key is
  // fetched from the proof's verificationMethod through Fedify's document loader.
  "POST /_control/verify-proof": async (ctx, body) => {
    const document = body.document;
    if (document == null || typeof document !== "object") return json(400, { error: "document is a JSON object" });
    const classes = { Article, Create, Update, Note, Announce, Like, Delete, Undo, Accept, Follow };
    const cls = classes[document.type];
    if (cls == null) return json(400, { error: `no class for type ${document.type}` });
    const verified = await verifyObject(cls, document, {
      documentLoader: ctx.documentLoader,
      contextLoader: ctx.contextLoader,
    });
    return json(200, { verified: verified != null, type: document.type });
  },

  "POST /_control/announce": async (ctx, body) => {
    const object = parseIri(requireString(body, "object"), "object");
    const toActor = await resolveActor(ctx, requireString(body, "to"));
    const announce = new Announce({
      id: newActivityId(),
      actor: ctx.getActorUri(ACTOR),
      object,
      to: PUBLIC_COLLECTION,
      ccs: [ctx.getFollowersUri(ACTOR), toActor.id],
      published: Temporal.Now.instant(),
    });
    outbox.push(announce);
    await sendToFollowersAnd(ctx, announce, toActor);
    return json(200, { announce: announce.id.href });
  },
};

async function handleControl(request) {
  const url = new URL(request.url);
  const route = routes[`${request.method} ${url.pathname.replace(/\/+$/, "")}`];
  if (route == null) return json(404, { error: `no control route ${request.method} ${url.pathname}` });
  try {
    const body = request.method === "POST" ? await readBody(request) : {};
    const ctx = federation.createContext(request, undefined);
    return await route(ctx, body);
  } catch (e) {
    const status = e instanceof ControlError ? e.status : 500;
    let message = e instanceof Error ? e.message : String(e);
    // fetch() failures say only "fetch failed"; the cause has the reason.
    const cause = e instanceof Error ? e.cause : null;
    if (cause != null) message += ` (${cause instanceof Error ? cause.message : String(cause)})`;
    const error = { error: message };
    if (e instanceof SendActivityError) {
      error.inbox = e.inbox.href;
      error.status = e.statusCode;
      error.responseBody = e.responseBody;
    }
    if (e instanceof ControlError) {
      log.warn("Control {method} {path} failed ({status}): {error}", {
        method: request.method,
        path: url.pathname,
        status,
        error: e.message,
      });
    } else {
      log.error("Control {method} {path} failed ({status}): {error}", {
        method: request.method,
        path: url.pathname,
        status,
        error: e,
      });
    }
    return json(status, error);
  }
}

// ---------------------------------------------------------------------------
// HTTP server (Fedify's documented Node.js setup: @hono/node-server)
// ---------------------------------------------------------------------------

const incoming = [];
let refuseRfc9421 = false;

async function handle(request) {
  if (federation == null) return new Response("starting", { status: 503 });
  const { pathname } = new URL(request.url);
  if (pathname === "/_control" || pathname.startsWith("/_control/")) {
    return handleControl(request);
  }
  const signature = request.headers.has("signature-input")
    ? "rfc9421"
    : request.headers.has("signature")
      ? "draft-cavage"
      : "unsigned";
  const entry = { method: request.method, path: pathname, signature, status: null };
  if (incoming.length < 10000) incoming.push(entry);
  if (refuseRfc9421 && request.method === "POST" && signature === "rfc9421") {
    entry.status = 401;
    return new Response("this peer verifies draft-cavage signatures only", { status: 401 });
  }
  const response = await federation.fetch(request, {
    contextData: undefined,
    onNotFound: () => new Response("Not Found", { status: 404 }),
    onNotAcceptable: () => new Response("Not Acceptable", { status: 406 }),
  });
  entry.status = response.status;
  return response;
}

const server = serve({ fetch: handle, hostname: HOST, port: requestedPort }, (info) => {
  origin = `http://${HOST}:${info.port}`;
  federation = buildFederation(origin);
  log.info("Fedify peer listening at {origin}; actor {actor}", {
    origin,
    actor: `${origin}/users/${ACTOR}`,
  });
  process.stdout.write(`READY ${origin}\n`);
});
server.on("error", (e) => {
  log.fatal("HTTP server error: {error}", { error: e });
  process.exit(1);
});

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  log.info("Received {signal}; shutting down", { signal });
  server.close(() => process.exit(0));
  // Keep-alive connections from peers may hold the server open; do not wait.
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
