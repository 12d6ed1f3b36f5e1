#!/usr/bin/env node
// peer.mjs — a third-party ISO 8583 issuer for the link tests: the iso_8583 npm package
// (package.json; tests/links/peer/setup.sh installs it) packs and unpacks every message, so
// that possum's ISO 8583:1987 ASCII dialects are checked against another implementation.
// It listens on 127.0.0.1:PORT (0: a free port, printed and written to --port-file), reads
// frames with a 2-byte big-endian length (no TPDU) and answers as an issuer:
//
//   0800            → 0810  39=00, echoing 7, 11, 70 and 33
//   0100/0200       → 0110/0210 echoing 3, 4, 7, 11, 32, 37, 41, 42, 49 (never 2, 35, 52):
//                     39=14 when the PAN (2, else 35) ends in 0; 51 above CNY 1,000.00 (4 >
//                     100000); else 00 with a 6-digit auth code in 38
//   0120/0121, 0220/0221, 0420/0421 → 0130, 0230, 0430 with 39=00, echoing the same
//
//   node peer.mjs PORT [--dialect iso87a|iso87a-bb] [--binary raw|hex] [--port-file FILE]
//                      [--delay MS] [--drop-after N] [--log FILE]
//
// --dialect: iso87a (the bitmap as hex text, default) or iso87a-bb (binary); --binary: the
// PIN block and the MACs (52, 64, 96, 128) as raw bytes (default; the package's own form) or
// as hex text; --delay: each answer to an 0100 or 0200 sent MS ms late; --drop-after: the requests after the
// first N are read and logged but not answered; --log: one JSON line for each message read
// (mti, 3, 4, 11, 41, 2 masked to its last 4 digits; never 35 or 52), or for a frame that
// cannot be read (its error; that connection is then closed).
//
// The package is configured to ISO 8583:1987 where its own formats differ, and its reader is
// helped where possum's dialects and it disagree (docs/links.md "A third-party issuer in the
// tests" lists each): a hex-text bitmap without a secondary bitmap gets an empty one before the
// package reads it, since the package always reads 32 characters.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const Iso8583 = require('iso_8583');
const here = path.dirname(fileURLToPath(import.meta.url));
// No field is required by processing code (the package's default schema wants 2 in every
// 000000 message, which a purchase with track 2 alone does not carry).
const requiredFields = path.join(here, 'required-fields.json');

function usage(why) {
	process.stderr.write(`peer: ${why}\nusage: node peer.mjs PORT [--dialect iso87a|iso87a-bb] ` +
		'[--binary raw|hex] [--port-file FILE] [--delay MS] [--drop-after N] [--log FILE]\n');
	process.exit(2);
}

function options(argv) {
	const o = { dialect: 'iso87a', binary: 'raw', portFile: null, delay: 0, dropAfter: -1, log: null };
	const named = { '--dialect': 'dialect', '--binary': 'binary', '--port-file': 'portFile',
		'--delay': 'delay', '--drop-after': 'dropAfter', '--log': 'log' };
	if (argv.length < 1 || !/^\d+$/.test(argv[0]) || Number(argv[0]) > 65535)
		usage('PORT (0-65535) comes first');
	o.port = Number(argv[0]);
	for (let i = 1; i < argv.length; i += 2) {
		const key = named[argv[i]];
		if (!key || i + 1 >= argv.length)
			usage(`unknown option or missing value: ${argv[i]}`);
		o[key] = argv[i + 1];
	}
	if (!['iso87a', 'iso87a-bb'].includes(o.dialect))
		usage(`--dialect ${o.dialect}: iso87a or iso87a-bb (the package has no BCD nor EBCDIC)`);
	if (!['raw', 'hex'].includes(o.binary))
		usage(`--binary ${o.binary}: raw or hex`);
	for (const k of ['delay', 'dropAfter'])
		if (!/^-?\d+$/.test(String(o[k])))
			usage(`--${k === 'delay' ? 'delay' : 'drop-after'} ${o[k]}: a whole number`);
	o.delay = Number(o.delay);
	o.dropAfter = Number(o.dropAfter);
	return o;
}

// The package's formats, overridden where they are not ISO 8583:1987 (and possum's iso87a). A
// fixed 'b' field's MaxLen counts hex digits (the package packs MaxLen/2 bytes); 'z' is the
// one type whose content the package does not check.
function formats(o) {
	const f = (ContentType, LenType, MaxLen, Label) => ({ ContentType, LenType, MaxLen, Label });
	const bin = (label) => o.binary === 'raw' ? f('b', 'fixed', 16, label) : f('an', 'fixed', 16, label);
	const custom = {
		52: bin('PIN data'), // hex: 16 characters, where the package packs 8 bytes
		53: f('n', 'fixed', 16, 'Security related control information'), // the package: b48
		55: f('z', 'lllvar', 999, 'ICC data'), // the package: text; binary bytes read as text
		58: f('ans', 'lllvar', 999, 'Reserved national'), // the package: n..11
		59: f('ans', 'lllvar', 999, 'Reserved national'), // the package: ans..255
		64: bin('Message authentication code'), // the package: 4 bytes
		65: bin('Bitmap, extended'), // the package: half a byte
		96: bin('Message security code'), // the package: 4 bytes
		104: f('ans', 'lllvar', 999, 'Reserved ISO'), // the package: ans..100
		128: bin('Message authentication code'), // the package: 4 bytes
	};
	if (o.dialect === 'iso87a')
		custom[1] = f('an', 'fixed', 32, 'Bitmap'); // written as 32 hex characters
	return custom;
}

// body (the frame after its length): with a hex-text bitmap and no secondary bitmap, an empty
// one put in, as the package always reads 32 characters; null when the bitmap is not hex.
function withSecondary(o, body) {
	if (o.dialect !== 'iso87a')
		return body;
	const primary = body.subarray(4, 20).toString('latin1');
	if (!/^[0-9A-F]{16}$/.test(primary))
		return null;
	if (parseInt(primary[0], 16) & 8)
		return body;
	return Buffer.concat([body.subarray(0, 20), Buffer.from('0'.repeat(16)), body.subarray(20)]);
}

// The message in frame (length header included) as the package reads it, or { error }.
function read(o, fmt, frame) {
	const body = withSecondary(o, frame.subarray(2));
	if (!body)
		return { error: 'the bitmap is not 16 upper-case hex digits' };
	const iso = new Iso8583(undefined, fmt, requiredFields);
	const cfg = o.dialect === 'iso87a' ? { bitmapEncoding: 'utf8' } : {};
	const got = iso.unpack_0_127(body, {}, cfg); // what getIsoJSON calls, with what is left
	if (got.error)
		return got;
	if (got.remSlice.length)
		return { error: `${got.remSlice.length} bytes after the last field` };
	// The package reads 127 only as Postilion's structured field (a 6-digit length and a bitmap
	// of its own), whatever its format says: ISO 8583:1987's LLL text is misread, silently.
	if (Object.keys(got.json).some((k) => k.startsWith('127')))
		return { error: 'field 127: the package reads only its Postilion form' };
	const check = new Iso8583(got.json, fmt, requiredFields).validateMessage();
	if (check !== true)
		return { error: check && check.error ? check.error : 'the package finds it invalid' };
	return { msg: got.json };
}

const ECHO = ['3', '4', '7', '11', '32', '37', '41', '42', '49'];
const ANSWERS = { '0800': '0810', '0100': '0110', '0200': '0210', '0120': '0130', '0121': '0130',
	'0220': '0230', '0221': '0230', '0420': '0430', '0421': '0430' };
let authCodes = 0;

// The issuer's decision on a 0100/0200: [39, 38 or undefined].
function decide(m) {
	const pan = m['2'] || (m['35'] || '').split('=')[0];
	if (!pan || pan.endsWith('0'))
		return ['14'];
	if (Number(m['4'] || 0) > 100000)
		return ['51'];
	authCodes = (authCodes + 1) % 1000000;
	return ['00', String(authCodes).padStart(6, '0')];
}

// The answer to m as the package packs it (length header included), null for an MTI this
// issuer does not answer, or { error }.
function answer(fmt, m) {
	const mti = ANSWERS[m['0']];
	if (!mti)
		return null;
	const r = { 0: mti };
	for (const f of m['0'] === '0800' ? ['7', '11', '33', '70'] : ECHO)
		if (m[f] !== undefined)
			r[f] = m[f];
	r['39'] = '00';
	if (['0100', '0200'].includes(m['0']))
		[r['39'], r['38']] = decide(m);
	if (r['38'] === undefined)
		delete r['38'];
	const out = new Iso8583(r, fmt, requiredFields).getBufferMessage();
	return Buffer.isBuffer(out) ? out : { error: `the package cannot pack the answer: ${out.error}` };
}

function logLine(o, entry) {
	if (o.log)
		fs.appendFileSync(o.log, JSON.stringify(entry) + '\n');
}

// What the log keeps of a message: never 35 or 52, the PAN's last 4 digits only.
function logged(iso, m) {
	const e = { mti: m['0'] };
	for (const f of ['3', '4', '11', '41'])
		if (m[f] !== undefined)
			e[f] = m[f];
	if (m['2'])
		e['2'] = iso.maskPan(m['2'], '**4');
	if (m['52'])
		e['52'] = 'present';
	return e;
}

function serve(o) {
	const fmt = formats(o);
	const masker = new Iso8583();
	let requests = 0;
	const onFrame = (sock, frame) => {
		const got = read(o, fmt, frame);
		if (got.error) {
			logLine(o, { error: got.error, bytes: frame.length });
			sock.destroy();
			return;
		}
		const entry = logged(masker, got.msg);
		requests++;
		const out = o.dropAfter >= 0 && requests > o.dropAfter ? null : answer(fmt, got.msg);
		entry.answered = Buffer.isBuffer(out);
		if (out && out.error) {
			entry.error = out.error; // the message is not one to answer: closed as malformed
			sock.destroy();
		}
		logLine(o, entry);
		if (!Buffer.isBuffer(out))
			return;
		const send = () => { if (!sock.destroyed) sock.write(out); };
		// Only authorizations are held: sign-ons, echoes, reversals and advices answer at once.
		if (o.delay > 0 && (got.msg['0'] === '0100' || got.msg['0'] === '0200'))
			setTimeout(send, o.delay);
		else
			send();
	};
	const server = net.createServer((sock) => {
		let pending = Buffer.alloc(0);
		sock.on('error', () => {}); // a peer gone: nothing to do but close
		sock.on('data', (chunk) => {
			pending = Buffer.concat([pending, chunk]);
			while (pending.length >= 2 && !sock.destroyed) {
				const n = pending.readUInt16BE(0);
				if (n === 0) {
					logLine(o, { error: 'a frame length of 0', bytes: 2 });
					sock.destroy();
					return;
				}
				if (pending.length < 2 + n)
					return;
				const frame = pending.subarray(0, 2 + n);
				pending = pending.subarray(2 + n);
				try {
					onFrame(sock, frame);
				} catch (e) {
					logLine(o, { error: `the package threw: ${e && e.message ? e.message : e}`, bytes: frame.length });
					sock.destroy();
				}
			}
		});
	});
	server.on('error', (e) => {
		process.stderr.write(`peer: ${e.message}\n`);
		process.exit(1);
	});
	server.listen(o.port, '127.0.0.1', () => {
		const port = server.address().port;
		if (o.portFile) {
			fs.writeFileSync(o.portFile + '.tmp', `${port}\n`);
			fs.renameSync(o.portFile + '.tmp', o.portFile);
		}
		process.stdout.write(`peer: iso_8583 ${require('iso_8583/package.json').version} ` +
			`listening on 127.0.0.1:${port} (${o.dialect}, binary ${o.binary})\n`);
	});
}

serve(options(process.argv.slice(2)));
