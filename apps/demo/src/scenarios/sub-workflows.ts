import { successResult } from '@spane/core';
import { check, type Scenario } from './scenario.ts';

/** The seeds' onboarding example: a parent runs a reusable child workflow and maps its output back. */
export const subWorkflows: Scenario = {
  name: 'sub-workflows',
  workflows: [
    { id: 'send-email', nodes: [{ id: 'send', type: 'email' }] },
    {
      id: 'user-onboarding',
      nodes: [
        { id: 'create-user', type: 'create-user', outputs: ['send-welcome'] },
        {
          id: 'send-welcome',
          type: 'sub-workflow',
          config: {
            workflowId: 'send-email',
            inputMapping: { to: 'userEmail' },
            outputMapping: { emailId: 'messageId' },
          },
        },
      ],
    },
  ],
  register(registry) {
    registry
      .register('create-user', async (ctx) =>
        successResult({ userId: 7, userEmail: (ctx.inputData as { email: string }).email }),
      )
      .register('email', async (ctx) =>
        successResult({ messageId: `msg-${(ctx.inputData as { to: string }).to}` }),
      );
  },
  async run(engine) {
    const id = await engine.enqueueWorkflow('user-onboarding', { email: 'ada@example.com' });
    const done = await engine.waitForExecution(id);
    check(done.status === 'completed', 'the parent completes');
    const welcome = done.nodeResults['send-welcome'];
    check(
      ((welcome?.data ?? {}) as { emailId?: string }).emailId === 'msg-ada@example.com',
      'the child output is mapped back',
    );
    return [
      `"send-welcome" ran send-email as child ${String(welcome?.metadata?.childExecutionId)} → ${JSON.stringify(welcome?.data)}`,
    ];
  },
};
