// ONNX Runtime's side of bench/export/run.sh: an exported model's in-process
// latency in onnxruntime-node (one session, the CPU provider at its defaults),
// on the first row and on the first ROWS rows of a CSV file, fed as the
// model's inputs: one [N, 1] tensor per column, float32 where the model takes
// a float, else strings (an empty cell: NaN or "", hone's nulls).
//
//   node ort_latency.js ORT_FOLDER MODEL.onnx CSV [ROWS=1000] [REPS=2000]
//
// Prints {"one_row_us", "batch_us", "batch_rows"}: the median of REPS runs for
// one row and of REPS / 20 runs for the batch, after a few runs to warm up.
'use strict';
const fs = require('fs');
const path = require('path');

function readCsv(file) {
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    const header = lines[0].split(',');
    return { header, rows: lines.slice(1).map(l => l.split(',')) };
}

// The feeds for rows 0..n-1 (repeating the table when it is shorter).
function feeds(ort, session, table, n) {
    const out = {};
    for (const name of session.inputNames) {
        const col = table.header.indexOf(name);
        if (col < 0) throw new Error(`the model's input '${name}' is not a column of the CSV`);
        const cells = Array.from({ length: n }, (_, i) => table.rows[i % table.rows.length][col]);
        const numeric = cells.every(c => c === '' || !isNaN(Number(c)));
        out[name] = numeric
            ? new ort.Tensor('float32', Float32Array.from(cells, c => (c === '' ? NaN : Number(c))), [n, 1])
            : new ort.Tensor('string', cells, [n, 1]);
    }
    return out;
}

async function medianUs(session, input, reps) {
    for (let i = 0; i < 5; ++i) await session.run(input);
    const us = [];
    for (let i = 0; i < reps; ++i) {
        const start = process.hrtime.bigint();
        await session.run(input);
        us.push(Number(process.hrtime.bigint() - start) / 1000);
    }
    us.sort((a, b) => a - b);
    return us[Math.floor(us.length / 2)];
}

async function main() {
    const [ortFolder, model, csv, rowsArg, repsArg] = process.argv.slice(2);
    if (!csv) throw new Error('usage: node ort_latency.js ORT_FOLDER MODEL.onnx CSV [ROWS] [REPS]');
    const ort = require(path.join(path.resolve(ortFolder), 'node_modules', 'onnxruntime-node'));
    const rows = Number(rowsArg || 1000), reps = Number(repsArg || 2000);
    const table = readCsv(csv);
    const session = await ort.InferenceSession.create(model);
    const oneRow = await medianUs(session, feeds(ort, session, table, 1), reps);
    const batch = await medianUs(session, feeds(ort, session, table, rows), Math.max(1, Math.floor(reps / 20)));
    process.stdout.write(JSON.stringify({ one_row_us: oneRow, batch_us: batch, batch_rows: rows }) + '\n');
}

main().catch(e => {
    process.stderr.write(`ort_latency.js: ${e && e.message ? e.message : e}\n`);
    process.exit(1);
});
