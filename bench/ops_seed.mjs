// Seeds bench/ops_bench.sh's server through the JSON API: logs in the
// demo's caseworker, office manager and programme manager, asks the fund
// for every fourth Bangkok case (as the office manager), approves a
// quarter of those against the Global Assistance Fund (as the programme
// manager), and prints shell assignments: the three session cookies, a
// case id, a project id and the number of requests.
// Environment: PORT, and DB (the demo database; its demo-passwords.txt
// lies beside it).
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';

const base = `http://127.0.0.1:${process.env.PORT}`;
const pwfile = `${dirname(process.env.DB)}/demo-passwords.txt`;
const pw = {};
for (const line of readFileSync(pwfile, 'utf8').split('\n')) {
	const m = /^(\S+) (\S+) \(/.exec(line);
	if (m) pw[m[1]] = m[2];
}

async function login(user) {
	const r = await fetch(`${base}/api/v1/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ username: user, password: pw[user] }),
	});
	if (r.status !== 200) throw new Error(`login ${user}: ${r.status}`);
	const cookie = /ctm_session=([^;]+)/.exec(r.headers.get('set-cookie'))[1];
	const { csrf_token: csrf } = await r.json();
	return { cookie, csrf };
}

async function api(s, method, path, body) {
	const r = await fetch(`${base}${path}`, {
		method,
		headers: {
			cookie: `ctm_session=${s.cookie}`,
			'x-csrf-token': s.csrf,
			'content-type': 'application/json',
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await r.text();
	if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
	return JSON.parse(text);
}

const cw = await login('caseworker');
const mgr = await login('manager');
const pm = await login('programme');

const ids = [];
for (let page = 1; ; page++) {
	const l = await api(mgr, 'GET', `/api/v1/cases?page=${page}&per_page=200`);
	for (const c of l.cases) if (c.office === 'BKK') ids.push(c.id);
	if (l.cases.length === 0 || page * l.per_page >= l.total) break;
}
const projects = await api(pm, 'GET', '/api/v1/projects');
const gaf = projects.projects.find((p) => /Global Assistance Fund/.test(p.name));

let funds = 0;
const todo = ids.filter((_, i) => i % 4 === 0);
for (let i = 0; i < todo.length; i += 8) {
	const made = await Promise.all(todo.slice(i, i + 8).map((id) =>
		api(mgr, 'POST', `/api/v1/cases/${id}/fund-requests`, {
			type: 'protection', amount: '150.00', currency: 'USD',
			justification: 'Emergency shelter and medical care.',
		}).then((r) => ({ id: r.id }), () => null)));
	for (const m of made) {
		if (!m) continue;
		funds++;
		if (funds % 4 === 0)
			await api(pm, 'POST', `/api/v1/fund-requests/${m.id}/decision`, {
				decision: 'approve', amount: '150.00', project_id: gaf.id,
				reason: 'Within the fund rules.',
			});
	}
}
console.log(`CASEWORKER=${cw.cookie}`);
console.log(`MANAGER=${mgr.cookie}`);
console.log(`PROGRAMME=${pm.cookie}`);
console.log(`CASE=${ids[0]}`);
console.log(`PROJECT=${gaf.id}`);
console.log(`FUNDS=${funds}`);
