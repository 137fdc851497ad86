// The audit log: who changed what, when, and how it went, newest first.
import { badge, fmtTime, getData, h, pager, table } from './api.js';

const PAGE = 100;

export async function auditPage(view, ctx) {
  const body = h('div', {});
  view.append(h('h1', {}, 'Audit log'), body);
  async function load(offset) {
    const page = await getData(`/api/training/audit?offset=${offset}&limit=${PAGE}`);
    body.replaceChildren(table([
      { title: 'when', value: (e) => fmtTime(e.ts) },
      { title: 'who', value: (e) => e.actor },
      { title: 'action', value: (e) => e.action },
      { title: 'target', value: (e) => e.target },
      { title: 'outcome', value: (e) => badge(e.outcome) },
      { title: 'details', value: (e) => (e.details && Object.keys(e.details).length ? JSON.stringify(e.details) : '') },
    ], page.entries), pager(offset, PAGE, page.entries.length, undefined, load));
    ctx.ready('audit');
  }
  await load(0);
}
