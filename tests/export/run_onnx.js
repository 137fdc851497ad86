// Runs an ONNX model in ONNX Runtime (onnxruntime-node) for hone's export tests.
//
//   node run_onnx.js <folder holding node_modules/onnxruntime-node> <model.onnx> <inputs.json>
//
// inputs.json: {"<input name>": {"type": "float" | "string", "values": [...]}, ...};
// each input is fed as a tensor of shape [values.length, 1]. JSON has no NaN: a
// null float is fed as NaN (hone's null number); strings are fed as given (hone
// exports read "" as null).
// Prints {"<output name>": {"type", "dims", "data"}, ...} as JSON on standard
// output (int64 as numbers, floats as the exact doubles of their float32
// values). Any failure: the reason on standard error and exit status 1.
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
    const [modules, modelPath, inputsPath] = process.argv.slice(2);
    if (!inputsPath) throw new Error('usage: node run_onnx.js <onnxruntime folder> <model.onnx> <inputs.json>');
    const ort = require(path.join(path.resolve(modules), 'node_modules', 'onnxruntime-node'));
    const columns = JSON.parse(fs.readFileSync(inputsPath, 'utf8'));
    const feeds = {};
    for (const [name, column] of Object.entries(columns)) {
        const dims = [column.values.length, 1];
        if (column.type === 'float')
            feeds[name] = new ort.Tensor('float32', Float32Array.from(column.values, v => (v === null ? NaN : v)), dims);
        else if (column.type === 'string')
            feeds[name] = new ort.Tensor('string', column.values.map(String), dims);
        else
            throw new Error(`input '${name}': type '${column.type}' is not float or string`);
    }
    const session = await ort.InferenceSession.create(modelPath);
    const results = await session.run(feeds);
    const out = {};
    for (const name of session.outputNames) {
        const t = results[name];
        const data = t.type === 'int64' ? Array.from(t.data, Number) : Array.from(t.data);
        out[name] = { type: t.type, dims: t.dims.map(Number), data };
    }
    process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch(e => {
    process.stderr.write(`run_onnx.js: ${e && e.message ? e.message : e}\n`);
    process.exit(1);
});
