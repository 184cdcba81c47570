// fidelity.mjs -- the official JS clients, unchanged, against finx-mock.
//
// Usage: node fidelity.mjs BASE_URL SCHEMA_JSON_PATH
// Run from a directory whose node_modules holds llmwhisperer-client,
// dotenv, openai and @anthropic-ai/sdk (fidelity.sh sets that up).  Prints one "ok N - ..."
// or "not ok N - ..." line per check and a final "N passed, M failed".

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI, { AzureOpenAI } from 'openai';
import whisperPkg from 'llmwhisperer-client';
import Anthropic from '@anthropic-ai/sdk';

const { LLMWhispererClientV2 } = whisperPkg;
const base = process.argv[2];
const schema = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
let passed = 0;
let failed = 0;

function check(ok, name, detail) {
	const n = passed + failed + 1;
	if (ok) {
		passed++;
		console.log(`ok ${n} - ${name}`);
	} else {
		failed++;
		console.log(`not ok ${n} - ${name}${detail ? ` # ${detail}` : ''}`);
	}
}

async function admin(route, body) {
	const res = await fetch(`${base}/__admin/${route}`, {
		method: body === undefined ? 'GET' : 'POST',
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return route === 'log' ? res.text() : res.json();
}

async function logLines() {
	return (await admin('log')).split('\n').filter((l) => l).map((l) => JSON.parse(l));
}

// A PDF with one text line per entry: [x, y, text].
function makePdf(pages) {
	const objs = [];
	const n = pages.length;
	objs.push('<< /Type /Catalog /Pages 2 0 R >>');
	const kids = pages.map((_, i) => `${3 + 2 * i} 0 R`).join(' ');
	objs.push(`<< /Type /Pages /Kids [${kids}] /Count ${n} >>`);
	const font = 3 + 2 * n;
	pages.forEach((lines, i) => {
		objs.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${4 + 2 * i} 0 R ` +
			`/Resources << /Font << /F1 ${font} 0 R >> >> >>`);
		const ops = lines.map(([x, y, t]) => `BT /F1 10 Tf ${x} ${y} Td (${t}) Tj ET`).join('\n');
		objs.push(`<< /Length ${ops.length} >>\nstream\n${ops}\nendstream`);
	});
	objs.push('<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>');
	let out = '%PDF-1.4\n';
	const offs = [];
	objs.forEach((o, i) => {
		offs.push(out.length);
		out += `${i + 1} 0 obj\n${o}\nendobj\n`;
	});
	const xref = out.length;
	out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
	for (const o of offs)
		out += `${String(o).padStart(10, '0')} 00000 n \n`;
	out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(out, 'latin1');
}

function balanceSheetPage() {
	const rows = [
		['Cash and cash equivalents', '1,200', '1,000'],
		['Accounts receivable', '800', '700'],
		['Total current assets', '2,000', '1,700'],
		['Property and equipment, net', '3,000', '2,800'],
		['Total assets', '5,000', '4,500'],
		['Accounts payable', '1,000', '900'],
		['Total liabilities', '1,000', '900'],
		['Common stock', '4,000', '3,600'],
		["Total stockholders' equity", '4,000', '3,600'],
		["Total liabilities and stockholders' equity", '5,000', '4,500'],
	];
	const lines = [
		[180, 740, 'CONSOLIDATED BALANCE SHEETS'],
		[180, 726, '(In thousands of U.S. dollars)'],
		[380, 700, 'December 31,'],
		[470, 700, 'December 31,'],
		[400, 688, '2024'],
		[490, 688, '2023'],
	];
	rows.forEach(([label, a, b], i) => {
		const y = 664 - 14 * i;
		lines.push([60, y, label]);
		lines.push([440 - 6 * a.length, y, a]);
		lines.push([530 - 6 * b.length, y, b]);
	});
	return lines;
}

function validStatements(obj) {
	return obj && Array.isArray(obj.statements) &&
		obj.statements.every((s) => typeof s.statement_type === 'string' &&
			Array.isArray(s.periods) && Array.isArray(s.items) &&
			s.items.every((it) => Array.isArray(it.values) && it.values.length === s.periods.length));
}

// Every item answers a concept from the schema's enum (or null), and the
// balance sheet's total assets row has its concept.
const conceptEnum = schema.properties.statements.items.properties.items.items.properties.concept.enum;
function conceptsFit(obj) {
	const items = obj.statements.flatMap((s) => s.items);
	return conceptEnum.length > 80 && items.every((it) => 'concept' in it && conceptEnum.includes(it.concept)) &&
		items.some((it) => it.label === 'Total assets' && it.concept === 'total_assets');
}

function chatBody(text, name = 'financial_statements', sch = schema) {
	return {
		model: 'gpt-4o-2024-08-06',
		messages: [
			{ role: 'system', content: 'Extract the financial statements as JSON.' },
			{ role: 'user', content: text },
		],
		response_format: { type: 'json_schema', json_schema: { name, strict: true, schema: sch } },
		temperature: 0,
	};
}

async function whisperChecks(dir) {
	const pdfPath = path.join(dir, 'bs.pdf');
	fs.writeFileSync(pdfPath, makePdf([balanceSheetPage(), [[72, 700, 'Notes to the statements']]]));
	const client = new LLMWhispererClientV2({
		baseUrl: `${base}/api/v2`, apiKey: 'whisper-key', loggingLevel: 'error',
	});

	const r = await client.whisper({ filePath: pdfPath, waitForCompletion: true, waitTimeout: 60 });
	const text = r.extraction && r.extraction.result_text;
	check(r.status_code === 200 && r.status === 'processed', 'whisper: waitForCompletion ends processed',
		JSON.stringify(r).slice(0, 200));
	check(typeof text === 'string' && text.includes('CONSOLIDATED BALANCE SHEETS') &&
		text.includes('Notes to the statements'), 'whisper: result_text holds the PDF text');
	check(typeof text === 'string' && text.split('\n<<<\n').length === 3,
		'whisper: pages end with "\\n<<<\\n"');
	for (const k of ['confidence_metadata', 'line_metadata', 'metadata', 'webhook_metadata'])
		check(r.extraction && k in r.extraction, `whisper: retrieve has ${k}`);

	let err = null;
	try {
		await client.whisperRetrieve(r.whisper_hash);
	} catch (e) {
		err = e;
	}
	check(err && err.statusCode === 400 && /already delivered/.test(err.message),
		'whisper: second retrieve fails 400 "Whisper already delivered"', err && `${err.statusCode} ${err.message}`);

	const st = await client.whisperStatus(r.whisper_hash);
	check(st.status === 'retrieved', 'whisper: status after retrieve is retrieved', JSON.stringify(st));

	await admin('config', { faults: { submit: { job_error: { nth: 1 } } } });
	const e = await client.whisper({ filePath: pdfPath, waitForCompletion: true, waitTimeout: 60 });
	check(e.status === 'error' && e.status_code === -1 && /simulated/.test(e.message),
		'whisper: job_error fault ends the wait with status error', JSON.stringify(e).slice(0, 200));

	await admin('config', { whisper_keys: ['whisper-key'] });
	const bad = new LLMWhispererClientV2({ baseUrl: `${base}/api/v2`, apiKey: 'wrong', loggingLevel: 'error' });
	err = null;
	try {
		await bad.getUsageInfo();
	} catch (x) {
		err = x;
	}
	check(err && err.statusCode === 401, 'whisper: unknown unstract-key gives 401', err && err.statusCode);
	const usage = await client.getUsageInfo();
	check(usage.current_page_count_high_quality === 2, 'whisper: usage counts pages per mode',
		JSON.stringify(usage));

	await admin('config', { faults: { submit: { 429: { nth: 1 } } }, whisper_retry_after: 0.5 });
	const t0 = Date.now();
	const q = await client.whisper({ filePath: pdfPath, waitForCompletion: true, waitTimeout: 60 });
	const submits = (await logLines()).filter((l) => l.route === 'whisper');
	check(q.status === 'processed' && submits.slice(-2).map((l) => l.status).join() === '429,202',
		'whisper: axios-retry retries a 429 submit', `${q.status} ${submits.map((l) => l.status)}`);
	check(Date.now() - t0 >= 1000, 'whisper: ... after a delay');
	return text;
}

async function chatChecks(text) {
	const client = new OpenAI({ apiKey: 'sk-mock', baseURL: `${base}/v1` });
	const pages = text.split('\n<<<\n').filter((p) => p.trim());
	const user = pages.map((p, i) => `<<<PAGE ${i + 1}>>>\n${p}`).join('\n');

	const res = await client.chat.completions.create(chatBody(user));
	const content = JSON.parse(res.choices[0].message.content);
	check(validStatements(content), 'chat: strict json_schema content parses and fits', res.choices[0].message.content.slice(0, 200));
	check(content.statements.length === 1 && content.statements[0].statement_type === 'balance_sheet',
		'chat: the parser found the balance sheet', JSON.stringify(content).slice(0, 200));
	check(conceptsFit(content), 'chat: items answer concepts from the schema\'s enum', JSON.stringify(content).slice(0, 400));
	check(res.choices[0].finish_reason === 'stop' && res.choices[0].message.refusal === null &&
		res.usage.total_tokens > 0, 'chat: finish_reason, refusal, usage');
	check(typeof res._request_id === 'string' && res._request_id.startsWith('req_'),
		'chat: x-request-id reaches _request_id');

	const parsed = await client.chat.completions.parse(chatBody(user));
	check(validStatements(parsed.choices[0].message.parsed), 'chat: completions.parse() gives parsed');

	const other = await client.chat.completions.create(chatBody('hello', 'line_items', {
		type: 'object', additionalProperties: false, required: ['items', 'when'],
		properties: {
			items: { type: 'array', minItems: 1, items: { $ref: '#/$defs/item' } },
			when: { type: 'string', format: 'date' },
		},
		$defs: {
			item: {
				type: 'object', additionalProperties: false, required: ['n', 'kind'],
				properties: { n: { type: ['integer', 'null'], minimum: 3 }, kind: { enum: ['a', 'b'] } },
			},
		},
	}));
	const o = JSON.parse(other.choices[0].message.content);
	check(o.items.length === 1 && o.items[0].n === 3 && o.items[0].kind === 'a' && o.when === '2024-12-31',
		'chat: other schemas get a minimal valid instance', other.choices[0].message.content);

	let err = null;
	try {
		await client.chat.completions.create(chatBody('x', 'bad', {
			type: 'object', properties: { a: { type: 'string' } }, required: ['a'],
		}));
	} catch (e) {
		err = e;
	}
	check(err instanceof OpenAI.BadRequestError && err.status === 400 && err.param === 'response_format' &&
		err.message === "400 Invalid schema for response_format 'bad': In context=(), 'additionalProperties' is required to be supplied and to be false.",
		'chat: non-strict schema gives BadRequestError with the documented message', err && err.message);

	err = null;
	try {
		await client.chat.completions.create(chatBody('x', 'bad2', {
			type: 'object', additionalProperties: false, required: ['a'],
			properties: { a: { type: 'object', additionalProperties: false, properties: { b: { type: 'string' } } } },
		}));
	} catch (e) {
		err = e;
	}
	check(err && err.status === 400 && /In context=\('properties', 'a'\), 'required' is required to be supplied and to be an array including every key in properties. Missing 'b'./.test(err.message),
		'chat: missing required key is named with its context', err && err.message);

	await admin('reset', {});
	await admin('config', { faults: { chat: { 429: { nth: 1 } } }, chat_retry_after: 0.3 });
	const t0 = Date.now();
	const retried = await client.chat.completions.create(chatBody(user));
	const elapsed = Date.now() - t0;
	const chats = (await logLines()).filter((l) => l.route === 'chat/completions');
	check(validStatements(JSON.parse(retried.choices[0].message.content)) &&
		chats.map((l) => l.status).join() === '429,200', 'chat: SDK retries a 429 and succeeds',
	chats.map((l) => l.status).join());
	check(elapsed >= 300, 'chat: ... waiting retry-after-ms first', `${elapsed} ms`);

	await admin('config', { faults: { chat: { 503: { nth: 1 }, no_retry: 1 } } });
	err = null;
	try {
		await client.chat.completions.create(chatBody(user));
	} catch (e) {
		err = e;
	}
	check(err instanceof OpenAI.InternalServerError && err.status === 503,
		'chat: x-should-retry:false stops the SDK retrying a 503', err && err.message);
	await admin('config', { faults: { clear: true } });

	for (const [fault, cls] of [['length', 'LengthFinishReasonError'], ['content_filter', 'ContentFilterFinishReasonError']]) {
		await admin('config', { faults: { chat: { [fault]: { nth: 1 } } } });
		err = null;
		try {
			await client.chat.completions.parse(chatBody(user));
		} catch (e) {
			err = e;
		}
		check(err && err.constructor.name === cls, `chat: ${fault} fault makes parse() throw ${cls}`, err && err.constructor.name);
	}
	await admin('config', { faults: { chat: { refusal: { nth: 1 } } } });
	const ref = await client.chat.completions.parse(chatBody(user));
	check(ref.choices[0].message.content === null && typeof ref.choices[0].message.refusal === 'string' &&
		ref.choices[0].message.parsed === null, 'chat: refusal fault gives refusal text and no content');

	await admin('config', { llm_keys: ['sk-mock'] });
	err = null;
	try {
		await new OpenAI({ apiKey: 'sk-wrong-key-123', baseURL: `${base}/v1`, maxRetries: 0 })
			.chat.completions.create(chatBody(user));
	} catch (e) {
		err = e;
	}
	check(err instanceof OpenAI.AuthenticationError && err.code === 'invalid_api_key',
		'chat: wrong key gives AuthenticationError invalid_api_key', err && err.message);

	await admin('config', { chat_insufficient_quota: true });
	err = null;
	try {
		await new OpenAI({ apiKey: 'sk-mock', baseURL: `${base}/v1`, maxRetries: 0 }).chat.completions.create(chatBody(user));
	} catch (e) {
		err = e;
	}
	check(err instanceof OpenAI.RateLimitError && err.code === 'insufficient_quota',
		'chat: insufficient_quota is a RateLimitError with its code', err && err.message);
	await admin('config', { chat_insufficient_quota: false });

	const az = new AzureOpenAI({ endpoint: base, apiKey: 'sk-mock', apiVersion: '2024-10-21', deployment: 'gpt4o-prod' });
	const azr = await az.chat.completions.create(chatBody(user));
	check(validStatements(JSON.parse(azr.choices[0].message.content)), 'chat: AzureOpenAI client works (api-key, deployment path)');
}


// The body finextract's Anthropic provider sends: the statement schema as
// a forced tool's input_schema.
function messagesBody(text) {
	return {
		model: 'claude-sonnet-4-5',
		max_tokens: 16384,
		system: 'Extract the financial statements as JSON.',
		messages: [{ role: 'user', content: text }],
		tools: [{ name: 'financial_statements', description: 'Record the statements.', input_schema: schema }],
		tool_choice: { type: 'tool', name: 'financial_statements' },
		temperature: 0,
	};
}

async function anthropicChecks(text) {
	const client = new Anthropic({ apiKey: 'sk-ant-mock', baseURL: base });
	const pages = text.split('\n<<<\n').filter((p) => p.trim());
	const user = pages.map((p, i) => `<<<PAGE ${i + 1}>>>\n${p}`).join('\n');

	const msg = await client.messages.create(messagesBody(user));
	const tool = msg.content.find((b) => b.type === 'tool_use');
	check(msg.type === 'message' && msg.stop_reason === 'tool_use' && tool && tool.name === 'financial_statements' &&
		validStatements(tool.input), 'messages: forced tool_use block whose input fits the schema',
	JSON.stringify(msg).slice(0, 200));
	check(tool && tool.input.statements.length === 1 && tool.input.statements[0].statement_type === 'balance_sheet',
		'messages: the parser found the balance sheet');
	check(tool && conceptsFit(tool.input), 'messages: items answer concepts from the schema\'s enum');
	check(msg.usage.input_tokens > 0 && msg.usage.output_tokens > 0, 'messages: usage input/output tokens');
	check(typeof msg._request_id === 'string' && msg._request_id.startsWith('req_'),
		'messages: request-id reaches _request_id');
	const hdr = (await logLines()).filter((l) => l.route === 'messages');
	check(hdr.length === 1 && hdr[0].key === 'sk-ant-mock', 'messages: the SDK authenticates (x-api-key or Bearer)');

	const plain = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100,
		messages: [{ role: 'user', content: 'hello' }] });
	check(plain.content[0].type === 'text' && plain.stop_reason === 'end_turn', 'messages: no tools gives a text block');

	await admin('reset', {});
	await admin('config', { faults: { messages: { 529: { nth: 1 }, 429: { nth: 2 } } }, chat_retry_after: 0.3 });
	const t0 = Date.now();
	const retried = await client.messages.create(messagesBody(user));
	const elapsed = Date.now() - t0;
	const calls = (await logLines()).filter((l) => l.route === 'messages');
	check(retried.stop_reason === 'tool_use' && calls.map((l) => l.status).join() === '529,429,200',
		'messages: SDK retries a 529 and a 429 and succeeds', calls.map((l) => l.status).join());
	check(elapsed >= 600, 'messages: ... waiting retry-after each time', `${elapsed} ms`);

	await admin('config', { faults: { clear: true } });
	await admin('config', { faults: { messages: { 529: { nth: 1 } } } });
	let err = null;
	try {
		await new Anthropic({ apiKey: 'sk-ant-mock', baseURL: base, maxRetries: 0 }).messages.create(messagesBody(user));
	} catch (e) {
		err = e;
	}
	check(err instanceof Anthropic.InternalServerError && err.status === 529 &&
		err.error && err.error.error && err.error.error.type === 'overloaded_error',
	'messages: 529 is an InternalServerError with overloaded_error', err && err.message);

	await admin('config', { faults: { clear: true }, chat_rpm: 1, chat_ratelimit_headers: true });
	err = null;
	const rl = new Anthropic({ apiKey: 'sk-ant-mock', baseURL: base, maxRetries: 0 });
	const first = await rl.messages.create(messagesBody(user)).withResponse();
	check(first.response.headers.get('anthropic-ratelimit-requests-limit') === '1' &&
		first.response.headers.get('anthropic-ratelimit-requests-remaining') === '0' &&
		!Number.isNaN(Date.parse(first.response.headers.get('anthropic-ratelimit-requests-reset'))),
	'messages: anthropic-ratelimit-requests-* headers (reset is an RFC 3339 time)');
	try {
		await rl.messages.create(messagesBody(user));
	} catch (e) {
		err = e;
	}
	check(err instanceof Anthropic.RateLimitError && err.error.error.type === 'rate_limit_error' &&
		Number(err.headers.get('retry-after')) > 0, 'messages: over the RPM is a RateLimitError with retry-after',
	err && err.message);
	await admin('config', { chat_rpm: 0 });

	await admin('config', { llm_keys: ['sk-ant-mock'] });
	err = null;
	try {
		await new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: base, maxRetries: 0 }).messages.create(messagesBody(user));
	} catch (e) {
		err = e;
	}
	check(err instanceof Anthropic.AuthenticationError && err.error.error.type === 'authentication_error',
		'messages: wrong key gives AuthenticationError', err && err.message);
}

async function main() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finx-fidelity-'));
	await admin('reset?config=1', {});
	await admin('config', { time_scale: 1, whisper_page_seconds: 0.5, chat_seconds: 0.05 });
	let text = '';
	try {
		text = await whisperChecks(dir);
	} catch (e) {
		check(false, 'whisper checks ran to the end', e && e.stack);
	}
	try {
		await admin('reset?config=1', {});
		await admin('config', { time_scale: 1, chat_seconds: 0.05 });
		await chatChecks(text || '');
	} catch (e) {
		check(false, 'chat checks ran to the end', e && e.stack);
	}
	try {
		await admin('reset?config=1', {});
		await admin('config', { time_scale: 1, chat_seconds: 0.05 });
		await anthropicChecks(text || '');
	} catch (e) {
		check(false, 'messages checks ran to the end', e && e.stack);
	}
	fs.rmSync(dir, { recursive: true, force: true });
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

main();
