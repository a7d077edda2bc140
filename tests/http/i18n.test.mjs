/*
 * i18n.test.mjs - API errors follow the user's language, else
 * Accept-Language; pages carry the language on <html>.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertApiError, createCase, EN_BAD_LOGIN } from './lib.mjs';

/* A well-formed message: non-empty, no replacement characters, no
 * untranslated gettext context or format directives. */
function assertMessage(m, what) {
  assert.equal(typeof m, 'string', `${what}: not a string`);
  assert.ok(m.trim().length > 0, `${what}: empty`);
  assert.ok(!m.includes('\uFFFD'), `${what}: broken UTF-8: ${m}`);
  assert.ok(!/%[sd]/.test(m), `${what}: unexpanded format: ${m}`);
}

describe('languages', () => {
  let srv;
  let ghost = 0;
  /* A failed login with a fresh unknown name (no per-name lockout). */
  const badLogin = (lang) => srv.api('POST', '/api/v1/login', {
    body: { username: `ghost.${++ghost}`, password: 'pw-not-a-real-one' },
    headers: lang ? { 'Accept-Language': lang } : {},
  });

  before(async () => {
    srv = await startServer();
    srv.secret('pw-not-a-real-one');
  });
  after(async () => { if (srv) await srv.stop(); });

  it('anonymous API errors follow Accept-Language', async () => {
    const en = assertApiError(await badLogin(), 401).error;
    assert.equal(en, EN_BAD_LOGIN);
    assert.equal(assertApiError(await badLogin('en'), 401).error, en);
    const fr = assertApiError(await badLogin('fr'), 401).error;
    const es = assertApiError(await badLogin('es'), 401).error;
    assertMessage(fr, 'fr');
    assertMessage(es, 'es');
    assert.notEqual(fr, en, 'no French message');
    assert.notEqual(es, en, 'no Spanish message');
    assert.notEqual(fr, es, 'French and Spanish are the same');
    assert.match(fr, /invalide|incorrect/i, `French message: ${fr}`);

    assert.equal(assertApiError(await badLogin('fr-FR,fr;q=0.9,en;q=0.8'), 401).error, fr, 'fr-FR');
    assert.equal(assertApiError(await badLogin('es-CO'), 401).error, es, 'es-CO');
    assert.equal(assertApiError(await badLogin('de-DE'), 401).error, en, 'unsupported language falls back to English');
    assert.equal(assertApiError(await badLogin('*'), 401).error, en, '* falls back to English');
    assert.equal(assertApiError(await badLogin('x'.repeat(300)), 401).error, en, 'junk header falls back to English');
  });

  it('other anonymous errors are translated too', async () => {
    const en = assertApiError(await srv.api('GET', '/api/v1/cases'), 401).error;
    const fr = assertApiError(await srv.api('GET', '/api/v1/cases', { headers: { 'Accept-Language': 'fr' } }), 401).error;
    const es = assertApiError(await srv.api('GET', '/api/v1/cases', { headers: { 'Accept-Language': 'es' } }), 401).error;
    assertMessage(fr, 'fr');
    assertMessage(es, 'es');
    assert.notEqual(fr, en);
    assert.notEqual(es, en);
    assert.notEqual(fr, es);

    const bad = (lang) => srv.api('POST', '/api/v1/login', { body: '{', headers: { 'Accept-Language': lang } });
    const b = { en: assertApiError(await bad('en'), 400).error, fr: assertApiError(await bad('fr'), 400).error };
    assert.notEqual(b.fr, b.en, 'malformed JSON message not translated');
  });

  it('PATCH /api/v1/me sets the language; errors follow it whatever Accept-Language says', async () => {
    const s = await srv.login('caseworker.bkk');
    const { id } = await createCase(srv, s);
    const msgs = {};
    for (const lang of ['en', 'fr', 'es']) {
      const p = await srv.api('PATCH', '/api/v1/me', { session: s, body: { lang } });
      assert.equal(p.status, 200, p.text);
      const me = await srv.api('GET', '/api/v1/me', { session: s });
      assert.equal(me.json.lang, lang);
      const h = { 'Accept-Language': 'fr' };
      msgs[lang] = {
        notFound: assertApiError(await srv.api('GET', '/api/v1/cases/987654', { session: s, headers: h }), 404).error,
        status: assertApiError(await srv.api('PATCH', `/api/v1/cases/${id}`,
          { session: s, headers: h, body: { status: 'Bogus' } }), 400).fields?.status,
        route: assertApiError(await srv.api('GET', '/api/v1/nope', { session: s, headers: h }), 404).error,
      };
      for (const [k, v] of Object.entries(msgs[lang])) assertMessage(v, `${lang} ${k}`);
    }
    for (const k of ['notFound', 'status', 'route']) {
      assert.notEqual(msgs.es[k], msgs.en[k], `${k}: es = en`);
      assert.notEqual(msgs.fr[k], msgs.en[k], `${k}: fr = en`);
      assert.notEqual(msgs.es[k], msgs.fr[k], `${k}: user lang es, Accept-Language fr, answer in French`);
    }
  });

  it('the language is kept with the user, across sessions', async () => {
    const s = await srv.login('caseworker.bog');
    assert.equal((await srv.api('PATCH', '/api/v1/me', { session: s, body: { lang: 'es' } })).status, 200);
    const again = await srv.login('caseworker.bog');
    assert.equal(again.user.lang, 'es');
    const es = assertApiError(await srv.api('GET', '/api/v1/cases/987654',
      { session: again, headers: { 'Accept-Language': 'en' } }), 404).error;
    const other = await srv.login('manager.bkk');
    assert.equal((await srv.api('PATCH', '/api/v1/me', { session: other, body: { lang: 'en' } })).status, 200);
    const en = assertApiError(await srv.api('GET', '/api/v1/cases/987654',
      { session: other, headers: { 'Accept-Language': 'es' } }), 404).error;
    assert.notEqual(es, en, 'user language ignored');
  });

  it('an unsupported language is refused with fields.lang', async () => {
    const s = await srv.login('pm');
    const before = (await srv.api('GET', '/api/v1/me', { session: s })).json.lang;
    for (const lang of ['de', '', 'fr_FR.UTF-8']) {
      const r = await srv.api('PATCH', '/api/v1/me', { session: s, body: { lang } });
      const j = assertApiError(r, 400, JSON.stringify(lang));
      assert.equal(typeof j.fields?.lang, 'string', `no fields.lang: ${r.text}`);
    }
    assert.equal((await srv.api('GET', '/api/v1/me', { session: s })).json.lang, before);
  });

  it('GET /login carries the language on <html>', async () => {
    const page = async (lang) => {
      const r = await srv.api('GET', '/login', { headers: lang ? { 'Accept-Language': lang } : {} });
      assert.equal(r.status, 200);
      return r.text;
    };
    const en = await page('en');
    const fr = await page('fr');
    const es = await page('es-ES,es;q=0.9');
    assert.match(fr, /<html[^>]*\slang="fr"/);
    assert.match(es, /<html[^>]*\slang="es"/);
    assert.match(en, /<html[^>]*\slang="en"/);
    assert.match(await page(), /<html[^>]*\slang="en"/);
    assert.match(await page('de'), /<html[^>]*\slang="en"/);
    // The words change, not just the attribute (the csrf value differs per request).
    const words = (t) => t.replace(/value="[^"]*"/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
    assert.notEqual(words(fr), words(en), 'the French login page has the English text');
    assert.notEqual(words(es), words(en), 'the Spanish login page has the English text');
    assert.ok(!fr.includes('\uFFFD') && !es.includes('\uFFFD'), 'broken UTF-8 in a page');
  });
});
