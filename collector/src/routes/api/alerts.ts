/**
 * `GET /alerts` (active alerts and history), `GET|POST /alerts/rules`, `DELETE /alerts/rules/:id`.
 * Rules are validated by the alert engine (the same checks as the YAML file), whose sentence the 400 carries.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { RuleConflictError, RuleError, ruleToView, type AlertEngine } from '../../alerts/index.js';
import type { ActiveAlert, AlertEvent } from '../../alerts/types.js';
import { ErrorResponse } from '../../schemas/common.js';
import { AlertRuleParams, AlertRuleView, AlertRulesResponse, AlertsQuery, AlertsResponse } from '../../schemas/alerts.js';
import { parseOptionalRange } from '../../query/time.js';
import type { Store } from '../../store/store.js';
import { requireAdminToken } from './admin-token.js';

const DEFAULT_HISTORY = 100;

const alertRoutes: FastifyPluginAsyncTypebox<{ store: Store; alerts: AlertEngine; adminToken?: string }> = async (app, { store, alerts, adminToken }) => {
  const admin = requireAdminToken(adminToken);

  app.get(
    '/alerts',
    { schema: { summary: 'Active alerts and the history of alert state changes, newest first', querystring: AlertsQuery, response: { 200: AlertsResponse, 400: ErrorResponse } } },
    async (request) => {
      const { from, to } = parseOptionalRange(request.query.from, request.query.to);
      const history = await store.listAlertEvents({ from, to, ruleId: request.query.ruleId, group: request.query.group, limit: request.query.limit ?? DEFAULT_HISTORY });
      const active = alerts.active().filter((alert) => (request.query.ruleId ? alert.ruleId === request.query.ruleId : true) && (request.query.group ? alert.group === request.query.group : true));
      return { active: active.map(activeView), history: history.map(eventView) };
    },
  );

  app.get('/alerts/rules', { schema: { summary: 'Alert rules: the file\'s (read-only) and the API\'s', response: { 200: AlertRulesResponse } } }, async () => ({
    rules: alerts.listRules().map(ruleToView),
  }));

  app.post(
    '/alerts/rules',
    {
      preHandler: admin,
      schema: { summary: 'Create or replace an API alert rule (same fields as the YAML file)', response: { 201: AlertRuleView, 400: ErrorResponse, 401: ErrorResponse, 409: ErrorResponse } },
    },
    async (request, reply) => {
      try {
        const rule = await alerts.upsertRule(request.body);
        return reply.status(201).send(ruleToView(rule));
      } catch (err) {
        if (err instanceof RuleConflictError) return reply.status(409).send({ error: 'conflict', message: err.message });
        if (err instanceof RuleError) return reply.status(400).send({ error: 'bad request', message: err.message });
        throw err;
      }
    },
  );

  app.delete(
    '/alerts/rules/:id',
    { preHandler: admin, schema: { summary: 'Delete an API alert rule', params: AlertRuleParams, response: { 204: Type.Null(), 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse } } },
    async (request, reply) => {
      const result = await alerts.deleteRule(request.params.id);
      if (result === 'not-found') return reply.status(404).send({ error: 'rule not found', id: request.params.id });
      if (result === 'file-rule') return reply.status(409).send({ error: 'conflict', message: `rule ${request.params.id} comes from the --alert-rules file: change it there` });
      return reply.status(204).send(null);
    },
  );
};

const iso = (ms: number): string => new Date(ms).toISOString();

function activeView(alert: ActiveAlert) {
  const { since, firedAt, ...rest } = alert;
  return { ...rest, since: iso(since), firedAt: firedAt === undefined ? null : iso(firedAt) };
}

function eventView(event: AlertEvent) {
  return { ...event, at: iso(event.at) };
}

export default alertRoutes;
