import { AppError, conflict, forbidden } from '../http/errors.ts';

/**
 * A reusable workflow engine: a workflow is data — its states, its transitions, who may take each
 * one, the guards that must hold, and the name of the time limit each state runs under. Cases
 * (吹哨报到) declare theirs first; the enterprise service's seven steps and the monthly meetings'
 * follow-ups declare their own on the same engine.
 *
 * Pure: it decides, the module persists. A module keeps the state on its row, asks `planTransition`
 * for the next one, and writes it with the row's version so two people acting at once cannot both win.
 */
export interface StateDefinition {
  /** Nothing happens after a final state. */
  final?: boolean;
  /**
   * The time limit this state runs under, by name (the module resolves names to durations: a
   * category's handling limit, a configured 30 minutes to verify...). No limit, no deadline.
   */
  timeLimit?: string;
}

export interface TransitionDefinition<S extends string, C> {
  action: string;
  from: readonly S[];
  /** The next state; omitted for actions that record something without moving (a supervision note). */
  to?: S;
  /** Who may take it: false answers 403. */
  who: (context: C) => boolean;
  /** A business precondition; a reason string blocks it (409) and is shown to the caller. */
  guard?: (context: C) => string | null;
  /** A note is required (a refusal, a return, a request for more time all say why). */
  needsNote?: boolean;
  /**
   * The next state runs on the deadline already running instead of starting its own: asking for
   * more time does not stop the clock, and a refusal returns to it.
   */
  keepsDeadline?: boolean;
}

export interface Workflow<S extends string, C> {
  /** Prefix of the error codes: `case` gives `case.invalid_transition`. */
  name: string;
  initial: S;
  states: Record<S, StateDefinition>;
  transitions: readonly TransitionDefinition<S, C>[];
}

export interface Plan<S extends string> {
  action: string;
  from: S;
  to: S;
  /** True when the state changes (and so its deadline is recomputed). */
  moves: boolean;
  /** The named limit of the next state, when it starts one. */
  timeLimit: string | null;
  /** The running deadline carries on (always so for actions that do not move). */
  keepsDeadline: boolean;
}

/** Checks a workflow's declaration once, when the module loads: a typo must not wait for a user to find it. */
export function defineWorkflow<S extends string, C>(workflow: Workflow<S, C>): Workflow<S, C> {
  const states = new Set(Object.keys(workflow.states));
  if (!states.has(workflow.initial)) throw new Error(`${workflow.name}: initial state ${workflow.initial} is not declared`);
  const seen = new Set<string>();
  for (const transition of workflow.transitions) {
    for (const from of transition.from) {
      if (!states.has(from)) throw new Error(`${workflow.name}.${transition.action}: unknown state ${from}`);
      if (workflow.states[from].final) throw new Error(`${workflow.name}.${transition.action}: leaves final state ${from}`);
      const key = `${from}:${transition.action}`;
      if (seen.has(key)) throw new Error(`${workflow.name}.${transition.action}: declared twice from ${from}`);
      seen.add(key);
    }
    if (transition.to !== undefined && !states.has(transition.to))
      throw new Error(`${workflow.name}.${transition.action}: unknown state ${transition.to}`);
  }
  return workflow;
}

/** The actions this caller may take now: what a screen offers and what a 409 lists. */
export function allowedActions<S extends string, C>(workflow: Workflow<S, C>, state: S, context: C): string[] {
  return workflow.transitions
    .filter((t) => t.from.includes(state) && t.who(context) && !t.guard?.(context))
    .map((t) => t.action);
}

/**
 * Decides a transition or refuses it: an action the state does not have is a 409 listing the
 * allowed ones; one the caller may not take is a 403; a guard that fails is a 409 with its reason.
 */
export function planTransition<S extends string, C>(
  workflow: Workflow<S, C>,
  state: S,
  action: string,
  context: C,
  note: string | undefined,
): Plan<S> {
  const transition = workflow.transitions.find((t) => t.action === action && t.from.includes(state));
  const allowed = () => allowedActions(workflow, state, context);
  if (!transition) {
    throw conflict(`${workflow.name}.invalid_transition`, `Cannot ${action} in state ${state}.`, { state, action, allowed: allowed() });
  }
  if (!transition.who(context)) throw forbidden(`${workflow.name}.${action}`);
  const blocked = transition.guard?.(context);
  if (blocked) throw conflict(`${workflow.name}.transition_blocked`, blocked, { state, action, allowed: allowed() });
  if (transition.needsNote && !note?.trim()) {
    throw new AppError(400, `${workflow.name}.note_required`, `Say why (${action} needs a note).`, { action });
  }
  const to = transition.to ?? state;
  const target = workflow.states[to];
  return {
    action,
    from: state,
    to,
    moves: to !== state,
    timeLimit: target.timeLimit ?? null,
    keepsDeadline: transition.keepsDeadline ?? to === state,
  };
}
