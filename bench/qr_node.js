// The npm package vietnam-qr-pay, timed as bench/qr.py times market.vietqr.
//
//     VIETQR_NODE_DIR=/dir/holding/node_modules node bench/qr_node.js < request.json
//
// bench/qr.py runs this in the same run, with the same payloads and the same counts
// as its own. The request on standard input is {"iterations": N, "rounds": R,
// "cases": [{"name", "inputs": {"bin", "account", "amount", "purpose", "service"},
// "payload"}]}; the answer on standard output is, for each case, the payload the
// package built from the inputs, whether its parser read the case's payload back,
// and the CPU time per call of build and of parse: the best of R rounds of N calls.
"use strict";

const fs = require("fs");

const dir = process.env.VIETQR_NODE_DIR || process.cwd();
const { QRPay } = require(require.resolve("vietnam-qr-pay", { paths: [dir] }));
const { version } = require(require.resolve("vietnam-qr-pay/package.json", { paths: [dir] }));

function build(inputs) {
  return QRPay.initVietQR({
    bankBin: inputs.bin,
    bankNumber: inputs.account,
    amount: inputs.amount === null ? undefined : String(inputs.amount),
    purpose: inputs.purpose || undefined,
    service: inputs.service,
  }).build();
}

function parse(payload) {
  const code = new QRPay(payload);
  return code.isValid ? code.consumer.bankNumber : "";
}

function cpuSeconds() {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
}

// CPU seconds per call of fn(arg): the best of `rounds` rounds of `iterations` calls.
function perCall(fn, arg, iterations, rounds) {
  let best = Infinity;
  let sink = 0;
  for (let round = 0; round < rounds; round++) {
    const start = cpuSeconds();
    for (let i = 0; i < iterations; i++) {
      sink += fn(arg).length;
    }
    best = Math.min(best, (cpuSeconds() - start) / iterations);
  }
  if (sink < 0) process.stderr.write(String(sink)); // uses every result
  return best;
}

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const cases = request.cases.map((c) => ({
  name: c.name,
  built: build(c.inputs),
  parsed: parse(c.payload) === c.inputs.account,
  build: perCall(build, c.inputs, request.iterations, request.rounds),
  parse: perCall(parse, c.payload, request.iterations, request.rounds),
}));
process.stdout.write(JSON.stringify({ version, node: process.version, cases }));
