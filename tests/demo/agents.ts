/**
 * "Acme Agents": the job engine behind the demo agent console (tests/demo/public/agents.*).
 *
 * A job ("agent run") is created queued, then advances on timers through a deterministic plan of steps.
 * Every step is one model call whose tokens are added to the job's CUMULATIVE `usage`; tool-call steps
 * carry OpenAI-style `tool_calls` blocks. Polling the job returns the same id with growing usage.
 *
 * Token counts are a pure function of the plan (see `planJob`), so tests can recompute them.
 */
import { countInputTokens, countWords, demoReply, demoTitle, fnv1a, hex8 } from './replies.ts';

export type AgentJobStatus = 'queued' | 'in_progress' | 'completed' | 'failed' | 'cancelled';
export type AgentSpeed = 'normal' | 'fast';

export interface AgentUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

export interface AgentToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string; output: string | null };
}

export interface AgentStep {
  id: string;
  object: 'agent.run.step';
  type: 'tool_calls' | 'message_creation';
  status: 'in_progress' | 'completed' | 'failed' | 'cancelled';
  tool_calls?: AgentToolCall[];
  message?: { role: 'assistant'; content: string };
  /** Usage of this step's model call (already included in the job's cumulative usage). */
  usage: AgentUsage;
  created_at: number;
  completed_at: number | null;
}

export interface AgentJob {
  id: string;
  object: 'agent.run';
  name: string;
  /** Template id, or 'custom'. */
  template: string;
  instructions: string;
  status: AgentJobStatus;
  model: string;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  cancelled_at: number | null;
  last_error: { code: string; message: string } | null;
  /** Cumulative over every model call made so far. */
  usage: AgentUsage;
  steps: AgentStep[];
}

export interface AgentTemplate {
  id: string;
  name: string;
  description: string;
  instructions: string;
  /** Fails at the tool call of this step (1-based) unless the request says fail: false. */
  failsAtStep?: number;
}

export const AGENT_TEMPLATES: readonly AgentTemplate[] = [
  {
    id: 'triage-inbox',
    name: 'Triage my inbox',
    description: 'File receipts and newsletters, flag what needs a reply',
    instructions:
      'Go through my unread email from the last day. Move receipts and newsletters into their folders, label anything that needs a reply, and tell me what is left.',
  },
  {
    id: 'standup-slack',
    name: 'Post stand-up summary to Slack',
    description: "Summarise yesterday's PRs and tickets in #team-standup",
    instructions:
      'Collect my pull requests and Jira tickets updated since yesterday, write a short stand-up update (yesterday, today, blockers) and post it to #team-standup.',
  },
  {
    id: 'update-deps',
    name: 'Update dependency versions',
    description: 'Bump outdated packages in apps/web, run tests, open a PR',
    instructions:
      'Update the outdated npm dependencies in apps/web to their latest minor versions, run the test suite, and open a pull request if everything passes.',
    failsAtStep: 3,
  },
];

export const AGENT_SYSTEM_PROMPT =
  'You are Acme Agent, an autonomous assistant with access to company tools. Plan briefly, call tools to do the work, then report back in two or three sentences.';

interface PlannedCall {
  name: string;
  args: Record<string, unknown>;
  output: string;
}
type PlannedStep =
  { type: 'tool_calls'; calls: PlannedCall[]; fails?: string } | { type: 'message_creation'; text: string };

export interface PlannedJobStep {
  type: 'tool_calls' | 'message_creation';
  calls?: PlannedCall[];
  text?: string;
  /** Error message when this step's tool call fails (the job then fails). */
  fails?: string;
  inputTokens: number;
  outputTokens: number;
}

const json = (v: unknown): string => JSON.stringify(v);

function templatePlan(template: string, instructions: string, fail: boolean): PlannedStep[] {
  if (template === 'triage-inbox') {
    return [
      {
        type: 'tool_calls',
        calls: [
          {
            name: 'email.search',
            args: { query: 'is:unread newer_than:1d', limit: 25 },
            output: json({
              messages: [
                { id: 'm1', from: 'receipts@rail.example', subject: 'Your e-ticket receipt' },
                { id: 'm2', from: 'priya@acme.example', subject: 'Q3 budget - quick question' },
                { id: 'm3', from: 'it@acme.example', subject: 'Laptop refresh schedule' },
                { id: 'm4', from: 'billing@cloud.example', subject: 'Invoice INV-20931' },
                { id: 'm5', from: 'sam@acme.example', subject: 'Offsite venue options' },
                { id: 'm6', from: 'digest@news.example', subject: 'This week in AI' },
              ],
            }),
          },
        ],
      },
      {
        type: 'tool_calls',
        calls: [
          { name: 'email.move', args: { id: 'm1', folder: 'Receipts' }, output: json({ ok: true }) },
          { name: 'email.move', args: { id: 'm4', folder: 'Receipts' }, output: json({ ok: true }) },
          { name: 'email.move', args: { id: 'm6', folder: 'Newsletters' }, output: json({ ok: true }) },
        ],
      },
      {
        type: 'tool_calls',
        calls: [
          { name: 'email.label', args: { id: 'm2', label: 'Needs reply' }, output: json({ ok: true }) },
          { name: 'email.label', args: { id: 'm5', label: 'Needs reply' }, output: json({ ok: true }) },
        ],
      },
      {
        type: 'message_creation',
        text: 'Done. I moved 2 receipts to Receipts and 1 newsletter to Newsletters, and labelled 2 threads "Needs reply": the Q3 budget question from Priya and the offsite venue options from Sam. One message is left in your inbox (the laptop refresh schedule from IT).',
      },
    ];
  }
  if (template === 'standup-slack') {
    const update =
      '*Yesterday:* merged #482 (usage export) and reviewed #479. *Today:* finish ACME-1312 (retry on 429s). *Blockers:* none.';
    return [
      {
        type: 'tool_calls',
        calls: [
          {
            name: 'github.list_pull_requests',
            args: { author: '@me', updated: '>=yesterday', state: 'all' },
            output: json([
              { number: 482, title: 'Usage export to CSV', state: 'merged' },
              { number: 479, title: 'Fix flaky date test', state: 'open', review: 'approved' },
            ]),
          },
          {
            name: 'jira.search_issues',
            args: { jql: 'assignee = currentUser() AND updated >= -1d' },
            output: json([{ key: 'ACME-1312', summary: 'Retry requests on HTTP 429', status: 'In Progress' }]),
          },
        ],
      },
      { type: 'message_creation', text: `Draft stand-up update: ${update}` },
      {
        type: 'tool_calls',
        calls: [
          {
            name: 'slack.post_message',
            args: { channel: '#team-standup', text: update },
            output: json({ ok: true, channel: 'C024BE91L', ts: '1718000000.000200' }),
          },
        ],
      },
      { type: 'message_creation', text: 'Posted your stand-up update to #team-standup.' },
    ];
  }
  if (template === 'update-deps') {
    const testStep: PlannedStep = {
      type: 'tool_calls',
      calls: [
        {
          name: 'npm.test',
          args: { cwd: 'apps/web' },
          output: fail ? json({ exitCode: 1, failed: 2, passed: 212 }) : json({ exitCode: 0, failed: 0, passed: 214 }),
        },
      ],
    };
    if (fail) testStep.fails = 'npm test exited with code 1: 2 failing tests in src/forms/validate.test.ts';
    const plan: PlannedStep[] = [
      {
        type: 'tool_calls',
        calls: [
          {
            name: 'npm.outdated',
            args: { cwd: 'apps/web' },
            output: json({
              react: { current: '18.2.0', latest: '18.3.1' },
              vite: { current: '5.2.8', latest: '5.4.2' },
              zod: { current: '3.22.4', latest: '3.23.8' },
            }),
          },
        ],
      },
      {
        type: 'tool_calls',
        calls: [
          { name: 'npm.update', args: { package: 'react', version: '18.3.1' }, output: json({ ok: true }) },
          { name: 'npm.update', args: { package: 'vite', version: '5.4.2' }, output: json({ ok: true }) },
          { name: 'npm.update', args: { package: 'zod', version: '3.23.8' }, output: json({ ok: true }) },
        ],
      },
      testStep,
    ];
    if (fail) return plan;
    return plan.concat([
      {
        type: 'tool_calls',
        calls: [
          {
            name: 'github.create_pull_request',
            args: { title: 'chore(deps): update react, vite and zod', base: 'main', head: 'agent/update-deps' },
            output: json({ number: 486, url: 'https://github.example/acme/web/pull/486' }),
          },
        ],
      },
      {
        type: 'message_creation',
        text: 'Updated react, vite and zod in apps/web. All 214 tests pass; I opened pull request #486 for review.',
      },
    ]);
  }
  // Custom instruction: search the docs, maybe write a note, then answer.
  const h = fnv1a(instructions.trim());
  const plan: PlannedStep[] = [
    {
      type: 'tool_calls',
      calls: [
        {
          name: 'docs.search',
          args: { query: instructions.trim().slice(0, 80) },
          output: json({
            hits: [
              { title: 'How we work with AI tools', url: 'https://wiki.acme.example/ai' },
              { title: 'Team handbook', url: 'https://wiki.acme.example/handbook' },
            ],
          }),
        },
      ],
    },
  ];
  if (h % 2 === 1) {
    plan.push({
      type: 'tool_calls',
      calls: [
        {
          name: 'notes.create',
          args: { title: demoTitle(instructions), folder: 'Agent notes' },
          output: json({ ok: true, id: `note_${hex8(h)}` }),
        },
      ],
    });
  }
  const answer = demoReply(instructions).split('\n\n').slice(0, 2).join(' ');
  plan.push({ type: 'message_creation', text: answer.replace(/\s+/g, ' ') });
  return plan;
}

/** The plan, failing (when asked) at the tool step of step 3, or the last tool step before it. */
function failingPlan(template: string, instructions: string, fail: boolean): PlannedStep[] {
  const plan = templatePlan(template, instructions, fail);
  if (!fail || plan.some((s) => s.type === 'tool_calls' && s.fails)) return plan;
  let at = -1;
  plan.forEach((s, i) => {
    if (s.type === 'tool_calls' && i <= 2) at = i;
  });
  const step = plan[at];
  if (!step || step.type !== 'tool_calls') return plan;
  const name = step.calls[0]?.name ?? 'tool';
  step.fails = `${name} failed: the service answered HTTP 503 (Service Unavailable)`;
  return plan.slice(0, at + 1);
}

/** Tokens a tool call costs as model output: ceil((name + arguments JSON) / 4) + 5. */
export function toolCallTokens(name: string, argsJson: string): number {
  return Math.ceil((name.length + argsJson.length) / 4) + 5;
}
/** Tokens a tool result costs as model input on the next step: ceil(output / 4) + 4. */
export function toolResultTokens(output: string): number {
  return Math.ceil(output.length / 4) + 4;
}

/**
 * The whole deterministic plan of a job with each step's token counts:
 * - input of step k = system prompt + instructions (words + 4 per message) + 24 per distinct tool
 *   (schemas) + everything earlier steps added to the context (their output + tool results);
 * - output = tool-call tokens, or the message's word count.
 */
export function planJob(template: string, instructions: string, fail: boolean): PlannedJobStep[] {
  const steps = failingPlan(template, instructions, fail);
  const tools = new Set<string>();
  for (const s of steps) if (s.type === 'tool_calls') for (const c of s.calls) tools.add(c.name);
  const base = countInputTokens([AGENT_SYSTEM_PROMPT, instructions]) + 24 * tools.size;
  let context = 0;
  return steps.map((s) => {
    const inputTokens = base + context;
    if (s.type === 'tool_calls') {
      const outputTokens = s.calls.reduce((n, c) => n + toolCallTokens(c.name, json(c.args)), 0);
      context += outputTokens + s.calls.reduce((n, c) => n + toolResultTokens(c.output), 0);
      return { type: s.type, calls: s.calls, fails: s.fails, inputTokens, outputTokens };
    }
    const outputTokens = countWords(s.text);
    context += outputTokens + 4;
    return { type: s.type, text: s.text, inputTokens, outputTokens };
  });
}

const TIMING: Record<AgentSpeed, { queuedMs: number; stepMs: number }> = {
  normal: { queuedMs: 700, stepMs: 950 },
  fast: { queuedMs: 60, stepMs: 160 },
};

export interface CreateJobRequest {
  template?: string;
  instructions?: string;
  name?: string;
  model?: string;
  speed?: AgentSpeed;
  fail?: boolean;
}

export interface JobStore {
  create(req: CreateJobRequest): AgentJob;
  get(id: string): AgentJob | undefined;
  /** Newest first. */
  list(): AgentJob[];
  /** The cancelled job, or an error when the job is unknown or already finished. */
  cancel(id: string): { job?: AgentJob; error?: { status: number; message: string } };
  close(): void;
}

export const isTerminal = (s: AgentJobStatus): boolean => s === 'completed' || s === 'failed' || s === 'cancelled';

/**
 * `onChange(job, created)` is called (synchronously) when a job is created and whenever its status,
 * steps or usage change; the job passed is the live record (copy it if you keep it).
 */
export function createJobStore(
  onChange: (job: AgentJob, created: boolean) => void,
  defaults: { speed?: AgentSpeed } = {},
): JobStore {
  const jobs = new Map<string, AgentJob>();
  const timers = new Map<string, Set<NodeJS.Timeout>>();
  let counter = 0;
  const now = (): number => Math.floor(Date.now() / 1000);

  const later = (id: string, ms: number, fn: () => void): void => {
    let set = timers.get(id);
    if (!set) timers.set(id, (set = new Set()));
    const t = setTimeout(() => {
      set.delete(t);
      fn();
    }, ms);
    set.add(t);
  };
  const stopTimers = (id: string): void => {
    for (const t of timers.get(id) ?? []) clearTimeout(t);
    timers.delete(id);
  };

  function run(job: AgentJob, plan: PlannedJobStep[], speed: AgentSpeed): void {
    const { queuedMs, stepMs } = TIMING[speed];
    let callN = 0;
    const runStep = (k: number): void => {
      const p = plan[k];
      if (!p) {
        job.status = 'completed';
        job.completed_at = now();
        stopTimers(job.id);
        onChange(job, false);
        return;
      }
      // Deterministic jitter so steps do not tick like a metronome.
      const dur = Math.round(stepMs * (0.8 + ((k * 37) % 5) / 10));
      later(job.id, Math.round(dur * 0.6), () => {
        // The model call for this step has finished: its tokens count now.
        const step: AgentStep = {
          id: `step_${k + 1}`,
          object: 'agent.run.step',
          type: p.type,
          status: p.type === 'tool_calls' ? 'in_progress' : 'completed',
          usage: {
            input_tokens: p.inputTokens,
            output_tokens: p.outputTokens,
            total_tokens: p.inputTokens + p.outputTokens,
          },
          created_at: now(),
          completed_at: p.type === 'tool_calls' ? null : now(),
        };
        if (p.type === 'tool_calls') {
          step.tool_calls = (p.calls ?? []).map((c) => ({
            id: `call_${++callN}`,
            type: 'function',
            function: { name: c.name, arguments: json(c.args), output: null },
          }));
        } else {
          step.message = { role: 'assistant', content: p.text ?? '' };
        }
        job.steps.push(step);
        job.usage.input_tokens += p.inputTokens;
        job.usage.output_tokens += p.outputTokens;
        job.usage.total_tokens = job.usage.input_tokens + job.usage.output_tokens;
        onChange(job, false);
        later(job.id, dur - Math.round(dur * 0.6), () => {
          // The tools have run (or failed).
          if (step.tool_calls) {
            (p.calls ?? []).forEach((c, i) => {
              const tc = step.tool_calls?.[i];
              if (tc) tc.function.output = c.output;
            });
          }
          step.completed_at = now();
          if (p.fails) {
            step.status = 'failed';
            job.status = 'failed';
            job.failed_at = now();
            job.last_error = { code: 'tool_error', message: p.fails };
            stopTimers(job.id);
            onChange(job, false);
            return;
          }
          step.status = 'completed';
          onChange(job, false);
          runStep(k + 1);
        });
      });
    };
    later(job.id, queuedMs, () => {
      job.status = 'in_progress';
      job.started_at = now();
      onChange(job, false);
      runStep(0);
    });
  }

  return {
    create(req) {
      const template = AGENT_TEMPLATES.find((t) => t.id === req.template);
      const instructions = (req.instructions ?? '').trim() || template?.instructions || '';
      if (!instructions) throw new Error('Give a template or instructions');
      counter += 1;
      const id = `job_${hex8(fnv1a(`${counter}|${instructions}|${Date.now()}`))}${counter.toString(16).padStart(4, '0')}`;
      const fail = req.fail ?? template?.failsAtStep !== undefined;
      const name =
        (req.name ?? '').trim() ||
        template?.name ||
        (instructions.length > 60 ? `${instructions.slice(0, 58).trimEnd()}…` : instructions);
      const job: AgentJob = {
        id,
        object: 'agent.run',
        name,
        template: template?.id ?? 'custom',
        instructions,
        status: 'queued',
        model: req.model && req.model.trim() !== '' ? req.model : 'gpt-4o',
        created_at: now(),
        started_at: null,
        completed_at: null,
        failed_at: null,
        cancelled_at: null,
        last_error: null,
        usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
        steps: [],
      };
      jobs.set(id, job);
      onChange(job, true);
      run(job, planJob(job.template, instructions, fail), req.speed ?? defaults.speed ?? 'normal');
      return job;
    },
    get: (id) => jobs.get(id),
    list: () => [...jobs.values()].reverse(),
    cancel(id) {
      const job = jobs.get(id);
      if (!job) return { error: { status: 404, message: `No job found with id '${id}'.` } };
      if (isTerminal(job.status)) {
        return { error: { status: 409, message: `Cannot cancel job with status '${job.status}'.` } };
      }
      stopTimers(id);
      for (const s of job.steps) {
        if (s.status === 'in_progress') {
          s.status = 'cancelled';
          s.completed_at = now();
        }
      }
      job.status = 'cancelled';
      job.cancelled_at = now();
      onChange(job, false);
      return { job };
    },
    close() {
      for (const id of [...timers.keys()]) stopTimers(id);
    },
  };
}

/** Tool name -> number of calls, over every step of the job. */
export function toolCallCounts(job: AgentJob): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of job.steps) for (const c of s.tool_calls ?? []) out[c.function.name] = (out[c.function.name] ?? 0) + 1;
  return out;
}
