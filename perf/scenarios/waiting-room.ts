import Redis from 'ioredis';
import { waitingRoomKeys } from '../../src/adapters/redis/redis-waiting-room.store';
import { API, ApiClient } from '../../testkit/api-client';
import { mapConcurrently } from '../../testkit/concurrency';
import type { AuditResult } from '../../testkit/audit';
import { audit } from '../lib/audit';
import { type CannonResult, runCannon, type Work } from '../lib/cannon';
import { type CpuReport, waitForQuiet } from '../lib/cpu';
import { connect } from '../lib/database';
import { REDIS_URL } from '../lib/environment';
import { Options } from '../lib/options';
import { auditSection, commandLine, cpuTable, latencyTable, machineLine } from '../lib/results';
import type { ScenarioOutcome } from '../lib/scenario';
import type { SeededMember, SeededPerformance } from '../lib/seed-data';
import { startStack } from '../lib/stack';

/**
 * `npm run perf:waiting-room`: an on-sale through a waiting room, on one instance, loopback.
 *
 * 1. Join: `members` pre-authenticated members join one performance's waiting room (on sale,
 *    admitting `admit-per-minute`), once each, as fast as `connections` keep-alive
 *    connections allow (target ≥ 5,000/s).
 * 2. Redis memory per waiting member, from the room's two sorted sets (MEMORY USAGE) and from
 *    used_memory before and after the joins.
 * 3. Poll: GET queue/me for `poll-duration` seconds, members in join order round robin
 *    (target ≥ 8,000/s); each poll also advances the room.
 * 4. Hot path: `holders` members join a second waiting room that admits 100,000 a minute and
 *    poll until admitted. Holds of one seat each by them alternate `hold-rounds` times between
 *    a performance without a waiting room (no header) and that room (with the
 *    Admission-Token), `hold-seconds` each; the ratio of the two rates is the admission
 *    check's cost (target: within 10 %). The sales audit closes the run.
 */
interface Settings {
  readonly members: number;
  readonly connections: number;
  readonly pollSeconds: number;
  readonly admitPerMinute: number;
  readonly holdSeconds: number;
  readonly holdRounds: number;
  readonly seatsPerPerformance: number;
  readonly holders: number;
  readonly port: number;
  readonly database: string;
}

interface Phase {
  readonly result: CannonResult;
  readonly cpu: CpuReport;
}

export async function waitingRoom(options: Options): Promise<ScenarioOutcome[]> {
  const settings: Settings = {
    members: options.number('members', 100_000),
    connections: options.number('connections', 100),
    pollSeconds: options.number('poll-duration', 20),
    admitPerMinute: options.number('admit-per-minute', 600),
    holdSeconds: options.number('hold-seconds', 5),
    holdRounds: options.number('hold-rounds', 2),
    seatsPerPerformance: options.number('seats', 30_000),
    holders: options.number('holders', 8_000),
    port: options.number('port', 3941),
    database: 'ticketing_perf_waiting_room',
  };
  const stack = await startStack({
    database: settings.database,
    port: settings.port,
    seed: { performances: 3, seatsPerPerformance: settings.seatsPerPerformance, members: settings.members },
    // No member is dropped for not polling while the others join: the run measures throughput.
    env: { QUEUE_ABANDON_SECONDS: '600' },
  });
  const redis = new Redis(REDIS_URL);
  try {
    const [room, fastRoom, plain] = stack.seeded.performances as [
      SeededPerformance,
      SeededPerformance,
      SeededPerformance,
    ];
    const members = stack.seeded.members;
    // The seeding writes performances without a waiting room; two get one before any request reads them.
    const connection = await connect(settings.database);
    try {
      const setRoom = (id: string, admitPerMinute: number) =>
        connection.query(
          'UPDATE performances SET waiting_room_admit_per_minute = ?, waiting_room_admission_seconds = 600 WHERE id = ?',
          [admitPerMinute, id],
        );
      await setRoom(room.id, settings.admitPerMinute);
      await setRoom(fastRoom.id, 100_000);
    } finally {
      await connection.end();
    }
    const memoryBefore = await usedMemory(redis);

    // 1. Join, every member once.
    await waitForQuiet();
    let joinIndex = 0;
    const join = await measured(stack, {
      url: stack.url,
      connections: settings.connections,
      durationSeconds: 600,
      next: (): Work<null> | null => {
        const member = members[joinIndex++];
        return member
          ? { request: authorized('POST', `${API}/performances/${room.id}/queue`, member), tag: null }
          : null;
      },
      label: (status) => (status === 201 ? 'joined (201)' : `other (${status})`),
    });

    // 2. Memory per waiting member.
    const [waitingKey, seenKey] = waitingRoomKeys(room.id);
    const waiting = await redis.zcard(waitingKey!);
    const keyBytes =
      Number(await redis.call('MEMORY', 'USAGE', waitingKey!, 'SAMPLES', '0')) +
      Number(await redis.call('MEMORY', 'USAGE', seenKey!, 'SAMPLES', '0'));
    const memoryAfter = await usedMemory(redis);

    // 3. Poll.
    await waitForQuiet();
    let pollIndex = 0;
    const poll = await measured(stack, {
      url: stack.url,
      connections: settings.connections,
      durationSeconds: settings.pollSeconds,
      next: (): Work<null> => {
        const member = members[pollIndex++ % members.length]!;
        return { request: authorized('GET', `${API}/performances/${room.id}/queue/me`, member), tag: null };
      },
      label: (status) => (status === 200 ? 'polled (200)' : `other (${status})`),
    });
    const admitted = await redis.hlen(waitingRoomKeys(room.id)[2]!);

    // 4. The hot path with and without the admission check, alternating, by members admitted to the fast room.
    const tokens = await admit(stack.url, fastRoom.id, members.slice(0, settings.holders));
    const holders = members.filter((member) => tokens.has(member.id));
    const seatCursor = new Map<string, number>([
      [fastRoom.id, 0],
      [plain.id, 0],
    ]);
    const holdRuns: { withAdmission: boolean; phase: Phase }[] = [];
    for (let round = 0; round < settings.holdRounds; round++) {
      for (const withAdmission of [false, true]) {
        const performance = withAdmission ? fastRoom : plain;
        await waitForQuiet();
        holdRuns.push({
          withAdmission,
          phase: await measured(stack, {
            url: stack.url,
            connections: settings.connections,
            durationSeconds: settings.holdSeconds,
            next: (): Work<null> | null => {
              const slot = seatCursor.get(performance.id)!;
              // One seat per request; each member at most 4 seats of a performance (the default cap).
              const member = holders[slot % holders.length];
              if (!member || slot >= performance.seats.length || slot >= 4 * holders.length) return null;
              seatCursor.set(performance.id, slot + 1);
              const request = authorized('POST', `${API}/reservations`, member, {
                performanceId: performance.id,
                seatIds: [performance.seats[slot]!.id],
              });
              if (withAdmission) request.headers!['admission-token'] = tokens.get(member.id)!;
              return { request, tag: null };
            },
            label: (status) => (status === 201 ? 'created' : `other (${status})`),
          }),
        });
      }
    }
    const created = holdRuns.reduce((sum, run) => sum + (run.phase.result.statuses['201'] ?? 0), 0);
    const audited = await audit(stack.database, { created, seatsCreated: created });
    return [
      report(settings, { join, poll, holdRuns, waiting, keyBytes, memoryBefore, memoryAfter, admitted, audited }),
    ];
  } finally {
    redis.disconnect();
    await stack.stop();
  }
}

/**
 * Every holder joins the room, then polls until admitted (joining again if its entry is gone,
 * e.g. another run flushed the perf Redis db); answers the admission tokens got within two minutes.
 */
async function admit(
  url: string,
  performanceId: string,
  holders: readonly SeededMember[],
): Promise<Map<string, string>> {
  const api = new ApiClient(url, { connections: 50 });
  const tokens = new Map<string, string>();
  const queue = `${API}/performances/${performanceId}/queue`;
  const deadline = Date.now() + 120_000;
  try {
    await mapConcurrently(holders, 50, (member) => api.request('POST', queue, { token: member.token }));
    while (tokens.size < holders.length && Date.now() < deadline) {
      await mapConcurrently(
        holders.filter((member) => !tokens.has(member.id)),
        50,
        async (member) => {
          const polled = await api.request('GET', `${queue}/me`, { token: member.token });
          if (polled.status === 404) await api.request('POST', queue, { token: member.token });
          else if (polled.body.state === 'ADMITTED') tokens.set(member.id, polled.body.admissionToken);
        },
      );
    }
    return tokens;
  } finally {
    await api.close();
  }
}

function authorized(method: string, path: string, member: SeededMember, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${member.token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return { method: method as 'GET', path, headers, body: body === undefined ? '' : JSON.stringify(body) };
}

async function measured<Tag>(
  stack: Awaited<ReturnType<typeof startStack>>,
  options: Parameters<typeof runCannon<Tag>>[0],
): Promise<Phase> {
  stack.meter.start();
  const result = await runCannon(options);
  return { result, cpu: stack.meter.stop() };
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

function rate(phase: Phase, status: string): number {
  return Math.round((phase.result.statuses[status] ?? 0) / phase.result.durationSeconds);
}

function report(
  settings: Settings,
  run: {
    join: Phase;
    poll: Phase;
    holdRuns: { withAdmission: boolean; phase: Phase }[];
    waiting: number;
    keyBytes: number;
    memoryBefore: number;
    memoryAfter: number;
    admitted: number;
    audited: AuditResult;
  },
): ScenarioOutcome {
  const joinRate = rate(run.join, '201');
  const pollRate = rate(run.poll, '200');
  const holdRate = (withAdmission: boolean) => {
    const runs = run.holdRuns.filter((hold) => hold.withAdmission === withAdmission);
    const created = runs.reduce((sum, hold) => sum + (hold.phase.result.statuses['201'] ?? 0), 0);
    const seconds = runs.reduce((sum, hold) => sum + hold.phase.result.durationSeconds, 0);
    return Math.round(created / seconds);
  };
  const [plainRate, admittedRate] = [holdRate(false), holdRate(true)];
  // On a shared machine the rate follows what others leave free; the service's own CPU per
  // answer does not, so it is the fairer measure of what the admission check costs.
  const serviceMsPer = (phases: readonly Phase[], status: string) => {
    const answers = phases.reduce((sum, phase) => sum + (phase.result.statuses[status] ?? 0), 0);
    const seconds = phases.reduce((sum, phase) => sum + (phase.cpu.seconds['service'] ?? 0), 0);
    return answers === 0 ? 0 : Math.round((seconds * 1000 * 1000) / answers) / 1000;
  };
  const holdPhases = (withAdmission: boolean) =>
    run.holdRuns.filter((hold) => hold.withAdmission === withAdmission).map((hold) => hold.phase);
  const cpuPerHold = {
    withoutWaitingRoom: serviceMsPer(holdPhases(false), '201'),
    withAdmissionToken: serviceMsPer(holdPhases(true), '201'),
  };
  const cpuPerJoin = serviceMsPer([run.join], '201');
  const cpuPerPoll = serviceMsPer([run.poll], '200');
  const cpuRatio =
    cpuPerHold.withoutWaitingRoom === 0
      ? 0
      : Math.round((cpuPerHold.withAdmissionToken / cpuPerHold.withoutWaitingRoom) * 1000) / 1000;
  const holdRatio = plainRate === 0 ? 0 : Math.round((admittedRate / plainRate) * 1000) / 1000;
  const bytesPerMember = run.waiting === 0 ? 0 : Math.round(run.keyBytes / run.waiting);
  const usedPerMember = Math.round((run.memoryAfter - run.memoryBefore) / Math.max(1, settings.members));
  const unexpected = (phase: Phase, ok: string) =>
    Object.entries(phase.result.statuses).filter(([status]) => status !== ok);
  const json = {
    settings,
    joinsPerSecond: joinRate,
    pollsPerSecond: pollRate,
    waitingAfterJoin: run.waiting,
    redisBytesPerWaitingMember: bytesPerMember,
    redisUsedMemoryPerMember: usedPerMember,
    admittedDuringPolls: run.admitted,
    holdsPerSecond: { withoutWaitingRoom: plainRate, withAdmissionToken: admittedRate, ratio: holdRatio },
    serviceCpuMsPerAnswer: { join: cpuPerJoin, poll: cpuPerPoll, hold: cpuPerHold, holdRatio: cpuRatio },
    statuses: {
      join: run.join.result.statuses,
      poll: run.poll.result.statuses,
      holds: run.holdRuns.map((hold) => ({ withAdmission: hold.withAdmission, statuses: hold.phase.result.statuses })),
    },
    latency: {
      join: run.join.result.recorder.overall(),
      poll: run.poll.result.recorder.overall(),
    },
    cpu: { join: run.join.cpu, poll: run.poll.cpu },
    audit: run.audited,
  };
  const markdown = [
    `## perf:waiting-room — ${settings.members.toLocaleString('en')} members, one instance, loopback`,
    '',
    `Command: \`${commandLine('perf:waiting-room')}\``,
    `Machine: ${machineLine()}`,
    '',
    '| measure | result | service CPU ms per answer | target |',
    '| --- | ---: | ---: | ---: |',
    `| joins (POST …/queue, 201) | ${joinRate.toLocaleString('en')}/s (${run.join.result.durationSeconds} s for all) | ${cpuPerJoin} | ≥ 5,000/s |`,
    `| polls (GET …/queue/me, 200) | ${pollRate.toLocaleString('en')}/s over ${run.poll.result.durationSeconds} s | ${cpuPerPoll} | ≥ 8,000/s |`,
    `| Redis per waiting member (the room's two sorted sets) | ${bytesPerMember} bytes | | — |`,
    `| Redis used_memory growth per member (everything the joins wrote) | ${usedPerMember} bytes | | — |`,
    `| holds without a waiting room | ${plainRate.toLocaleString('en')}/s | ${cpuPerHold.withoutWaitingRoom} | — |`,
    `| holds with an Admission-Token | ${admittedRate.toLocaleString('en')}/s (ratio ${holdRatio}) | ${cpuPerHold.withAdmissionToken} (ratio ${cpuRatio}) | within 10 % |`,
    '',
    `Waiting after the joins: ${run.waiting.toLocaleString('en')}; admitted by the end of the polls (at ${settings.admitPerMinute.toLocaleString('en')} a minute): ${run.admitted.toLocaleString('en')}. ` +
      `Holds by ${settings.holders.toLocaleString('en')} members admitted to a second room (100,000 a minute).`,
    unexpected(run.join, '201').length + unexpected(run.poll, '200').length > 0
      ? `Other answers: join ${JSON.stringify(Object.fromEntries(unexpected(run.join, '201')))}, poll ${JSON.stringify(Object.fromEntries(unexpected(run.poll, '200')))}.`
      : 'Every join answered 201 and every poll 200.',
    '',
    latencyTable([
      ['join', run.join.result.recorder.overall()],
      ['poll', run.poll.result.recorder.overall()],
      ...run.holdRuns.map((hold, index): [string, ReturnType<CannonResult['recorder']['overall']>] => [
        `hold ${index + 1} (${hold.withAdmission ? 'with admission' : 'no waiting room'})`,
        hold.phase.result.recorder.overall(),
      ]),
    ]),
    '',
    'Joins:',
    '',
    cpuTable(run.join.cpu),
    '',
    'Polls:',
    '',
    cpuTable(run.poll.cpu),
    '',
    auditSection(run.audited),
  ].join('\n');
  return { name: 'waiting-room', json, markdown, passed: run.audited.passed };
}
