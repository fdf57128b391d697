// Runs the official Letta TypeScript SDK, unmodified, against `memdir serve` (issue #18).
// LettaSdkTest (src/test/java/dev/memdir/serve) starts the server and a scripted model, then runs
// `node sdk-test.mjs` with MEMDIR_URL set. Each check prints one "ok ..." line; a failed check
// throws, and node exits 1.
import Letta, { toFile } from '@letta-ai/letta-client';

const client = new Letta({ baseURL: process.env.MEMDIR_URL, apiKey: process.env.MEMDIR_TOKEN });

function check(cond, what, got) {
  if (!cond) {
    throw new Error(`failed: ${what}; got ${JSON.stringify(got)}`);
  }
  console.log(`ok ${what}`);
}

const agent = await client.agents.create({
  name: 'sdk-agent',
  model: 'openai/gpt-4o-mini',
  memory_blocks: [
    { label: 'human', value: 'Name: Ada.', limit: 2000 },
    { label: 'persona', value: 'I am a careful assistant.' },
  ],
});
check(agent.id.startsWith('agent-') && agent.name === 'sdk-agent', 'create agent', agent);

const listed = [];
for await (const a of client.agents.list()) listed.push(a.id);
check(listed.includes(agent.id), 'list agents', listed);

const again = await client.agents.retrieve(agent.id);
check(again.blocks.map((b) => b.label).sort().join(',') === 'human,persona', 'retrieve agent', again);

const human = await client.agents.blocks.retrieve('human', { agent_id: agent.id });
check(human.value === 'Name: Ada.' && human.limit === 2000, 'retrieve block', human);

const edited = await client.agents.blocks.update('human', {
  agent_id: agent.id,
  value: 'Name: Ada Lovelace.\nLikes tea.',
});
check(edited.value === 'Name: Ada Lovelace.\nLikes tea.', 'modify block', edited);

const described = await client.agents.blocks.update('human', {
  agent_id: agent.id,
  limit: 3000,
  description: 'What Ada is like.',
});
check(described.limit === 3000 && described.description === 'What Ada is like.'
  && described.value === 'Name: Ada Lovelace.\nLikes tea.', 'modify block limit and description', described);

const renamed = await client.agents.update(agent.id, { name: 'Ada L', description: 'A test agent.' });
check(renamed.id === agent.id && renamed.name === 'Ada L' && renamed.description === 'A test agent.',
  'modify agent name and description', renamed);

const blocks = [];
for await (const b of client.agents.blocks.list(agent.id)) blocks.push(b.label);
check(blocks.length === 2, 'list blocks', blocks);

const inserted = await client.agents.passages.create(agent.id, {
  text: 'Ada prefers green tea to coffee.',
  tags: ['preferences'],
});
check(inserted.length === 1 && inserted[0].text.includes('green tea'), 'insert passage', inserted);
await client.agents.passages.create(agent.id, { text: 'The analytical engine was never built.' });

const found = await client.agents.passages.search(agent.id, { query: 'green tea', top_k: 5 });
check(found.count >= 1 && found.results[0].content.includes('green tea'), 'search passages', found);

const passages = await client.agents.passages.list(agent.id);
check(passages.length === 2, 'list passages', passages);

// The scripted model: a tool call, then an answer.
const reply = await client.agents.messages.create(agent.id, {
  messages: [{ role: 'user', content: 'Remember that I like Darjeeling.' }],
});
const types = reply.messages.map((m) => m.message_type);
check(
  types.includes('tool_call_message') &&
    types.includes('tool_return_message') &&
    reply.messages.some((m) => m.message_type === 'assistant_message' && m.content === 'Noted: Darjeeling.'),
  'send message',
  reply,
);
check(reply.stop_reason.stop_reason === 'end_turn', 'stop reason', reply.stop_reason);

const stream = await client.agents.messages.create(agent.id, {
  messages: [{ role: 'user', content: 'Say hello.' }],
  streaming: true,
  stream_tokens: true,
});
let text = '';
const streamed = [];
for await (const chunk of stream) {
  streamed.push(chunk.message_type);
  if (chunk.message_type === 'assistant_message') text += chunk.content;
}
check(text === 'Hello there.' && streamed.includes('stop_reason'), 'stream message', streamed);

const history = [];
for await (const m of client.agents.messages.list(agent.id, { order: 'asc' })) history.push(m);
const said = history.filter((m) => m.message_type === 'user_message').map((m) => m.content);
check(
  said.join('|') === 'Remember that I like Darjeeling.|Say hello.' &&
    history.some((m) => m.message_type === 'assistant_message' && m.content === 'Hello there.'),
  'list messages',
  history,
);

const context = await client.get(`/v1/agents/${agent.id}/context`);
check(context.context_window_size_current > 0 && context.num_tokens_core_memory > 0, 'context', context);

// Letta's agent file: export, then import it back as a new agent with the same blocks.
const exported = await client.agents.exportFile(agent.id);
const afText = typeof exported === 'string' ? exported : JSON.stringify(exported);
const af = JSON.parse(afText);
check(Array.isArray(af.agents) && af.agents.length === 1, 'export agent file', afText.slice(0, 300));
const importedAf = await client.agents.importFile({ file: await toFile(Buffer.from(afText), 'ada.af') });
check(importedAf.agent_ids.length === 1 && importedAf.agent_ids[0] !== agent.id, 'import agent file', importedAf);
const copyHuman = await client.agents.blocks.retrieve('human', { agent_id: importedAf.agent_ids[0] });
check(copyHuman.value === 'Name: Ada Lovelace.\nLikes tea.' && copyHuman.limit === 3000,
  'imported agent has the blocks', copyHuman);
let status = 0;
let detail = '';
try {
  await client.agents.importFile({ file: await toFile(Buffer.from('{"agents": [{"name": "x", "memory_blocks": [{"value": "v"}]}]}'), 'bad.af') });
} catch (e) {
  status = e.status;
  detail = e.error?.detail;
}
check(status === 422 && String(detail).startsWith('bad.af: agents[0].'), 'a bad agent file is 422 naming the field', detail);
await client.agents.delete(importedAf.agent_ids[0]);

// Two passages inserted here, one by the scripted model's archival_memory_insert.
check((await client.agents.passages.list(agent.id)).length === 3, 'the model inserted a passage', null);
await client.agents.passages.delete(inserted[0].id, { agent_id: agent.id });
const left = await client.agents.passages.list(agent.id);
check(left.length === 2 && !left.some((p) => p.id === inserted[0].id), 'delete passage', left);

await client.agents.delete(agent.id);
const after = [];
for await (const a of client.agents.list()) after.push(a.id);
check(!after.includes(agent.id), 'delete agent', after);
console.log('sdk test done');
