// zarrita (zarr.js) as a persistent worker of zarrjvm's compatibility matrix (run by node; see zarrjvm/compat/workers.py).
// One JSON request per line on stdin, one JSON reply per line on stdout ({id, ok, ...} or {id, ok: false, error_type,
// error}). Arrays travel as raw C-order bytes in the platform's byte order. Only zarrita's public API is used.
import * as fs from "node:fs";
import * as readline from "node:readline";

import FileSystemStore from "@zarrita/storage/fs";
import * as zarr from "zarrita";

const VERSION = JSON.parse(fs.readFileSync(new URL("./node_modules/zarrita/package.json", import.meta.url))).version;

// the TypedArray zarrita uses for each data type (BoolArray is built over a byte buffer)
const TYPED = {
	bool: null, int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array, uint8: Uint8Array,
	uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array, float32: Float32Array, float64: Float64Array,
};

function bytesOf(data) {
	if (data instanceof zarr.BoolArray) {
		return Uint8Array.from({ length: data.length }, (_, i) => (data.get(i) ? 1 : 0));
	}
	return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function fromBytes(dtype, buf, n) {
	let bytes = new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
	if (dtype === "bool") return new zarr.BoolArray(bytes.buffer, 0, n);
	return new TYPED[dtype](bytes.buffer, 0, n);
}

function fill(value, dtype) {
	if (value === null || value === undefined) return undefined;
	if (dtype === "int64" || dtype === "uint64") return BigInt(value);
	if (value === "NaN") return NaN;
	if (value === "Infinity") return Infinity;
	if (value === "-Infinity") return -Infinity;
	return value;
}

function stridesOf(shape) {
	let stride = new Array(shape.length);
	let step = 1;
	for (let i = shape.length - 1; i >= 0; i--) {
		stride[i] = step;
		step *= shape[i];
	}
	return stride;
}

async function write(req) {
	let store = new FileSystemStore(req.store);
	let root = zarr.root(store);
	if (req.group) {
		await zarr.create(root);
		let loc = root;
		for (let part of req.group.split("/")) {
			loc = loc.resolve(part);
			await zarr.create(loc);
		}
	}
	let opts = {
		shape: req.shape, chunkShape: req.chunks, dtype: req.dtype, codecs: req.codecs,
		fillValue: fill(req.fill_value, req.dtype), attributes: req.attrs,
	};
	if (req.separator) opts.chunkSeparator = req.separator;
	let arr = await zarr.create(req.path ? root.resolve(req.path) : root, opts);
	let shape = req.region.map(([a, b]) => b - a);
	let n = shape.reduce((a, b) => a * b, 1);
	let data = fromBytes(req.dtype, fs.readFileSync(req.data), n);
	if (req.shape.length === 0) {
		await zarr.set(arr, [], data.get ? data.get(0) : data[0]);
	} else {
		let selection = req.region.map(([a, b]) => zarr.slice(a, b));
		await zarr.set(arr, selection, { data, shape, stride: stridesOf(shape) });
	}
	return {};
}

async function read(req) {
	let store = new FileSystemStore(req.store);
	let root = zarr.root(store);
	let arr = await zarr.open(req.path ? root.resolve(req.path) : root, { kind: "array" });
	let out = await zarr.get(arr);
	let reply = { dtype: arr.dtype, attrs: arr.attrs };
	if (arr.shape.length === 0 || out === null || typeof out !== "object" || !("data" in out)) {
		// a 0-d array reads as its scalar
		let TA = TYPED[arr.dtype];
		let one = TA === null ? Uint8Array.of(out ? 1 : 0) : TA.of(out);
		fs.writeFileSync(req.out, bytesOf(one));
		return { ...reply, shape: [], stride: [] };
	}
	if (Array.isArray(out.data)) {
		// variable-length strings ('v2:object' with vlen-utf8, v3 'string'): an Array of JS strings, as JSON
		fs.writeFileSync(req.out, JSON.stringify(out.data));
		return { ...reply, shape: out.shape, stride: out.stride, json: true };
	}
	fs.writeFileSync(req.out, bytesOf(out.data));
	return { ...reply, shape: out.shape, stride: out.stride };
}

const OPS = { hello: async () => ({ version: VERSION }), write, read };

let busy = Promise.resolve();
const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (line) => {
	// one request at a time, in order
	busy = busy.then(async () => {
		let req = JSON.parse(line);
		let reply;
		try {
			reply = { id: req.id, ok: true, ...(await OPS[req.op](req)) };
		} catch (e) {
			reply = { id: req.id, ok: false, error_type: e?.constructor?.name ?? "Error", error: String(e?.message ?? e) };
		}
		process.stdout.write(JSON.stringify(reply, (k, v) => (typeof v === "bigint" ? v.toString() : v)) + "\n");
	});
});
