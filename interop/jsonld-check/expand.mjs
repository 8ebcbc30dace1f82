#!/usr/bin/env node
// Expands JSON-LD documents with jsonld.js, serving contexts only from ./contexts (never the network), and
// reports what a JSON-LD processor makes of every key: the IRI it expands to, or that it was dropped.
//
//   curl -s -H 'Accept: application/activity+json' http://127.0.0.1:5096/users/alice | node expand.mjs
//
// stdin: one JSON document, or a JSON array of documents. stdout: a JSON array with one result per document:
//   expanded      the expanded form (jsonld.expand, no base IRI)
//   droppedKeys   sorted unique keys (at any depth, "@context" aside) that did not become a property IRI: dropped
//                 by the processor (no term definition, no @vocab) or caught only by AS2's "@vocab": "_:" (they
//                 expand to a blank-node IRI "_:key", which is no IRI at all and is lost in RDF)
//   dropped       the same, one entry per key path: {path, key, expandedTo}
//   terms         {key: [IRIs it expanded to]}, keyword aliases as "@id"/"@type"; found by expanding the document
//                 again without the key (first occurrence of each key path) and seeing which IRI lost a value
//   properties    sorted unique property IRIs in the expanded form
//   types         sorted unique @type values in the expanded form
//   badTypes      @type values that are not absolute IRIs (relative, or "_:" via AS2's @vocab)
//   relativeIris  {path, value} for node references ("@id") that are not absolute IRIs
//   warnings      the processor's warning events other than dropped properties (jsonld.js event codes)
// Exit code 0 when it ran (whatever it found); 1 with the message on stderr otherwise.
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import path from 'node:path';
import jsonld from 'jsonld';

const here = path.dirname(fileURLToPath(import.meta.url));

// URL -> local file. Nothing else is ever loaded.
export const CONTEXT_FILES = {
  'https://www.w3.org/ns/activitystreams': 'activitystreams.jsonld',
  'https://w3id.org/security/v1': 'security-v1.jsonld',
  'https://w3id.org/security/data-integrity/v2': 'data-integrity-v2.jsonld',
  'https://w3id.org/security/multikey/v1': 'multikey-v1.jsonld',
};
// Camtree's stand-alone context, served by every node at /ns/camtree/v1 (any host: it is read from the local copy).
const CAMTREE_CONTEXT = {pattern: /^https?:\/\/[^/?#]+\/ns\/camtree\/v1$/, file: 'camtree-v1.jsonld'};

const cache = new Map();
function readContext(file) {
  if (!cache.has(file)) cache.set(file, JSON.parse(readFileSync(path.join(here, 'contexts', file), 'utf8')));
  return cache.get(file);
}

export async function documentLoader(url) {
  const file = CONTEXT_FILES[url] ?? (CAMTREE_CONTEXT.pattern.test(url) ? CAMTREE_CONTEXT.file : undefined);
  if (!file) throw new Error(`no local copy of the context ${url} (the loader never fetches; add it to contexts/)`);
  return {contextUrl: null, documentUrl: url, document: structuredClone(readContext(file))};
}

const isObject = v => v !== null && typeof v === 'object' && !Array.isArray(v);
const isAbsolute = v => typeof v === 'string' && /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(v);

async function expand(doc, eventHandler) {
  return jsonld.expand(doc, {documentLoader, base: null, eventHandler: eventHandler ?? (({next}) => next())});
}

// Counts, for every path of property IRIs from the root (array positions and @list/@graph wrappers ignored),
// how many values sit there and how many nodes carry the property, so that removing one key shows where it went.
function countPaths(expanded) {
  const counts = new Map();
  const bump = key => counts.set(key, (counts.get(key) ?? 0) + 1);
  const visitNode = (node, prefix) => {
    for (const [prop, value] of Object.entries(node)) {
      const here = prefix ? `${prefix}\u0000${prop}` : prop;
      bump(`${here}\u0001present`);
      for (const item of Array.isArray(value) ? value : [value]) {
        bump(`${here}\u0001value`);
        visitValue(item, here);
      }
    }
  };
  const visitValue = (item, here) => {
    if (!isObject(item) || '@value' in item) return;
    if ('@list' in item) { for (const x of item['@list']) visitValue(x, here); return; }
    if ('@graph' in item && Object.keys(item).every(k => k === '@graph' || k === '@id' || k === '@index')) {
      for (const x of item['@graph']) visitValue(x, here);
      return;
    }
    visitNode(item, here);
  };
  for (const node of expanded) visitValue(node, '');
  return counts;
}

// The input keys, one occurrence per key path (array positions ignored), in document order, parents first.
function keyPaths(doc) {
  const seen = new Map();
  const walk = (value, keys, pointer) => {
    if (Array.isArray(value)) { value.forEach((v, i) => walk(v, keys, `${pointer}/${i}`)); return; }
    if (!isObject(value)) return;
    for (const [key, v] of Object.entries(value)) {
      if (key === '@context') continue;
      const path = [...keys, key];
      const id = path.join('\u0000');
      const here = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      // A null value means "no value" in JSON-LD: nothing to expand, nothing lost.
      if (!seen.has(id) && v !== null) seen.set(id, {keys: path, pointer: here});
      walk(v, path, here);
    }
  };
  walk(doc, [], '');
  return [...seen.values()];
}

function removeAt(doc, pointer) {
  const copy = structuredClone(doc);
  const parts = pointer.split('/').slice(1).map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let parent = copy;
  for (const part of parts.slice(0, -1)) parent = parent[part];
  delete parent[parts.at(-1)];
  return copy;
}

function hasNodeValues(expanded, iriPath) {
  // True when some value at this IRI path is a node object (so the key's value holds keys of its own).
  let found = false;
  const visit = (item, here) => {
    if (found || !isObject(item) || '@value' in item) return;
    if ('@list' in item) { item['@list'].forEach(x => visit(x, here)); return; }
    if ('@graph' in item && Object.keys(item).every(k => k === '@graph' || k === '@id' || k === '@index')) {
      item['@graph'].forEach(x => visit(x, here)); return;
    }
    if (here.length === iriPath.length) {
      if (here.every((p, i) => p === iriPath[i])) found = true;
      return;
    }
    const next = iriPath[here.length];
    if (next in item) for (const v of [].concat(item[next])) visit(v, [...here, next]);
  };
  for (const node of expanded) visit(node, []);
  return found;
}

export async function analyse(doc) {
  const warnings = [];
  const droppedEvents = [];
  const expanded = await expand(doc, ({event, next}) => {
    if (event.code === 'invalid property') droppedEvents.push(event.details);
    else warnings.push({code: event.code, message: event.message, details: event.details});
    next();
  });
  const baseline = countPaths(expanded);

  // For each key path, expand the document without that key: the shallowest IRI path that lost a value is where
  // the key went. Keys under a dropped key, or under a key whose values are literals (language maps), are skipped.
  const iriPathOf = new Map();
  const skip = new Set();
  const terms = {};
  const dropped = [];
  for (const {keys, pointer} of keyPaths(doc)) {
    const parentId = keys.slice(0, -1).join('\u0000');
    if (keys.length > 1 && (skip.has(parentId) || !iriPathOf.has(parentId))) { skip.add(keys.join('\u0000')); continue; }
    const key = keys.at(-1);
    const parentIris = keys.length > 1 ? iriPathOf.get(parentId) : [];
    const without = countPaths(await expand(removeAt(doc, pointer)));
    const lost = [];
    for (const [k, n] of baseline) if ((without.get(k) ?? 0) < n) lost.push(k.split('\u0001')[0].split('\u0000'));
    let iris = lost.filter(p => p.length === parentIris.length + 1 && parentIris.every((x, i) => x === p[i]));
    if (iris.length === 0 && lost.length > 0) {
      const shortest = Math.min(...lost.map(p => p.length));
      iris = lost.filter(p => p.length === shortest);
    }
    const id = keys.join('\u0000');
    if (iris.length === 0) {
      dropped.push({path: keys.join('.'), key, expandedTo: null});
      skip.add(id);
      continue;
    }
    // Removing a "type" can also drop the terms its type-scoped context defined (e.g. Multikey's "controller"):
    // those are lost at the same depth, so the keyword wins.
    if (iris.length > 1 && iris.some(p => p.at(-1) === '@type')) iris = iris.filter(p => p.at(-1) === '@type');
    const iriPath = iris[0];
    const iri = iriPath.at(-1);
    for (const p of iris) (terms[key] ??= new Set()).add(p.at(-1));
    if (iri.startsWith('_:')) dropped.push({path: keys.join('.'), key, expandedTo: iri});
    iriPathOf.set(id, iriPath);
    if (!hasNodeValues(expanded, iriPath)) skip.add(id);
  }
  // Dropped properties the processor itself reported (inside values the walk above did not reach).
  for (const {property, expandedProperty} of droppedEvents) {
    if (!dropped.some(d => d.key === property)) dropped.push({path: null, key: property, expandedTo: expandedProperty ?? null});
  }

  const properties = new Set();
  const types = new Set();
  const relativeIris = [];
  const walk = (item, where) => {
    if (Array.isArray(item)) { item.forEach(x => walk(x, where)); return; }
    if (!isObject(item) || '@value' in item) return;
    for (const [prop, value] of Object.entries(item)) {
      if (prop === '@type') { for (const t of [].concat(value)) types.add(t); continue; }
      if (prop === '@id') { if (!isAbsolute(value) || value.startsWith('_:')) relativeIris.push({path: where || '(root)', value}); continue; }
      if (prop === '@list' || prop === '@graph' || prop === '@set' || prop === '@included') { walk(value, where); continue; }
      if (!prop.startsWith('@')) properties.add(prop);
      walk(value, where ? `${where} ${prop}` : prop);
    }
  };
  walk(expanded, '');
  // Keys caught by AS2's "@vocab": "_:" at places the probing above did not visit (it visits each key path once).
  for (const prop of properties) {
    if (prop.startsWith('_:') && !dropped.some(d => d.expandedTo === prop)) dropped.push({path: null, key: prop.slice(2), expandedTo: prop});
  }

  return {
    expanded,
    droppedKeys: [...new Set(dropped.map(d => d.key))].sort(),
    dropped,
    terms: Object.fromEntries(Object.entries(terms).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort()])),
    properties: [...properties].sort(),
    types: [...types].sort(),
    badTypes: [...types].filter(t => !isAbsolute(t) || t.startsWith('_:')).sort(),
    relativeIris,
    warnings,
  };
}

async function main() {
  let input = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) input += chunk;
  let parsed;
  try { parsed = JSON.parse(input); } catch (e) { throw new Error(`stdin is not JSON: ${e.message}`); }
  const docs = Array.isArray(parsed) ? parsed : [parsed];
  const results = [];
  for (const doc of docs) results.push(await analyse(doc));
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch(error => {
    // jsonld.js wraps the loader's error: show the cause first, it names the context that has no local copy.
    const lines = [];
    for (let e = error; e; e = e.details?.cause ?? e.cause) {
      lines.unshift(`${e.name ?? 'Error'}: ${e.message ?? e}${e.details?.code ? ` (${e.details.code})` : ''}`);
    }
    process.stderr.write(lines.join('\n  while: ') + '\n');
    process.exit(1);
  });
}
