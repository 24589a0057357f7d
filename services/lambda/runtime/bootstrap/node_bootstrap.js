// Nimbus's bootstrap for the nodejs runtimes: speaks the Lambda Runtime API
// ($AWS_LAMBDA_RUNTIME_API), loads the handler named by $_HANDLER ("path/file.export", CommonJS
// or ES module) the way AWS's runtime does, and reports errors in AWS's shape (errorType,
// errorMessage, trace). console.* lines carry "<time>\t<requestId>\t<LEVEL>\t" like AWS's.
'use strict';
const http = require('http');
const path = require('path');
const fs = require('fs');
const util = require('util');
const { pathToFileURL } = require('url');

const [HOST, PORT] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const BASE = '/2018-06-01/runtime';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let currentRequestId = '';

function call(method, p, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: HOST, port: PORT, method, path: BASE + p, agent,
                               headers: Object.assign({}, headers || {}) }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'],
                               ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']]) {
  console[method] = (...args) => {
    const line = `${new Date().toISOString()}\t${currentRequestId || 'undefined'}\t${level}\t` +
                 util.format(...args);
    process.stdout.write(line.replace(/\n/g, '\r') + '\n');
  };
}

function errorBody(err) {
  if (err instanceof Error) {
    return { errorType: err.name || 'Error', errorMessage: err.message,
             trace: (err.stack || '').split('\n') };
  }
  return { errorType: 'string', errorMessage: String(err), trace: [] };
}

class HandlerError extends Error {
  constructor(type, message) { super(message); this.name = type; }
}

async function loadHandler(spec) {
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const dot = spec.lastIndexOf('.');
  if (dot <= 0) throw new HandlerError('Runtime.MalformedHandlerName', `Bad handler ${spec}`);
  const modPath = spec.slice(0, dot);
  const fnPath = spec.slice(dot + 1);
  const base = path.resolve(root, modPath);
  let mod;
  const candidates = ['.js', '.mjs', '.cjs'].map((ext) => base + ext);
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) {
    throw new HandlerError('Runtime.ImportModuleError',
                           `Error: Cannot find module '${modPath}'`);
  }
  try {
    if (file.endsWith('.mjs')) {
      mod = await import(pathToFileURL(file).href);
    } else {
      try {
        mod = require(file);
      } catch (e) {
        if (e.code !== 'ERR_REQUIRE_ESM') throw e;
        mod = await import(pathToFileURL(file).href);
      }
    }
  } catch (e) {
    if (e instanceof SyntaxError) throw new HandlerError('Runtime.UserCodeSyntaxError', String(e));
    throw new HandlerError('Runtime.ImportModuleError', String(e));
  }
  let fn = mod;
  for (const part of fnPath.split('.')) fn = fn == null ? undefined : fn[part];
  if (typeof fn !== 'function' && mod && mod.default) {
    fn = mod.default[fnPath];
  }
  if (typeof fn !== 'function') {
    throw new HandlerError('Runtime.HandlerNotFound', `${modPath}.${fnPath} is undefined or not exported`);
  }
  return fn;
}

function invokeHandler(fn, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (err, result) => {
      if (settled) return;
      settled = true;
      err ? reject(err) : resolve(result);
    };
    context.done = callback;
    context.succeed = (r) => callback(null, r);
    context.fail = (e) => callback(e);
    try {
      const out = fn(event, context, callback);
      if (out && typeof out.then === 'function') {
        out.then((r) => callback(null, r), (e) => callback(e));
      } else if (fn.length < 3) {
        callback(null, out);
      }
    } catch (e) {
      callback(e);
    }
  });
}

async function main() {
  let handler;
  try {
    handler = await loadHandler(process.env._HANDLER);
  } catch (e) {
    const body = errorBody(e);
    console.error(JSON.stringify(body));
    await call('POST', '/init/error', JSON.stringify(body),
               { 'Lambda-Runtime-Function-Error-Type': body.errorType });
    process.exit(1);
  }
  for (;;) {
    const { res, body } = await call('GET', '/invocation/next');
    const h = res.headers;
    const requestId = h['lambda-runtime-aws-request-id'];
    currentRequestId = requestId;
    if (h['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = h['lambda-runtime-trace-id'];
    const deadline = Number(h['lambda-runtime-deadline-ms'] || 0);
    const context = {
      awsRequestId: requestId,
      invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      clientContext: h['lambda-runtime-client-context'] ? JSON.parse(h['lambda-runtime-client-context']) : undefined,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
    };
    try {
      const event = body.length ? JSON.parse(body.toString('utf8')) : {};
      const result = await invokeHandler(handler, event, context);
      const payload = result === undefined ? 'null' : JSON.stringify(result);
      await call('POST', `/invocation/${requestId}/response`, payload);
    } catch (e) {
      const err = errorBody(e);
      console.error(`Invoke Error \t${JSON.stringify(err)}`);
      await call('POST', `/invocation/${requestId}/error`, JSON.stringify(err),
                 { 'Lambda-Runtime-Function-Error-Type': err.errorType });
    }
  }
}

process.on('unhandledRejection', (e) => { console.error(e); process.exit(128); });
main();
