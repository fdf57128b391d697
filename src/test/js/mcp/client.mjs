// Drives `memdir mcp` with the official MCP TypeScript SDK, over stdio and over streamable HTTP.
// Run by dev.memdir.mcp.McpTypeScriptClientTest:
//   node client.mjs AGENT_DIR -- COMMAND...      (COMMAND runs memdir, e.g. java -cp CP dev.memdir.cli.Main)
// Prints one line per check and ends with "N passed, N failed"; exits 1 when a check failed.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

const sep = process.argv.indexOf("--");
const dir = process.argv[2];
const command = process.argv.slice(sep + 1);
if (sep < 0 || !dir || command.length === 0) {
  console.error("usage: node client.mjs AGENT_DIR -- COMMAND...");
  process.exit(2);
}
const name = basename(dir);
const TOKEN = "test-token-0123456789abcdef";

let passed = 0;
let failed = 0;
function check(what, ok, detail = "") {
  if (ok) {
    passed++;
    console.log(`ok   ${what}`);
  } else {
    failed++;
    console.log(`FAIL ${what}${detail ? ": " + detail : ""}`);
  }
}
const text = (r) => (r.content && r.content[0] ? r.content[0].text : "");
async function waitFor(what, cond, ms = 30000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

// Each tool with arguments that work and arguments that do not; `good` and `bad` check the text.
const calls = [
  ["memory_insert", { label: "human", new_str: "Likes green tea." }, (t) => t.startsWith("Edited core memory block 'human'"),
   { label: "nope", new_str: "x" }, (t) => t.startsWith("Error: no block 'nope'")],
  ["memory_replace", { label: "human", old_str: "green tea", new_str: "jasmine tea" }, (t) => t.includes("Edited"),
   { label: "human", old_str: "coffee", new_str: "x" }, (t) => t.startsWith("Error: old text not found in block 'human'")],
  ["memory_rethink", { label: "persona", new_memory: "I am a careful assistant." }, (t) => t.includes("Edited"),
   { label: "persona", new_memory: "x".repeat(6000) }, (t) => t.startsWith("Error:") && t.includes("limit")],
  ["archival_memory_insert", { content: "The user's dog is called Rex.", tags: ["pets"] }, (t) => t.startsWith("Stored in archival memory as "),
   { tags: ["pets"] }, (t) => t.startsWith("Error: missing required argument 'content'")],
  ["archival_memory_search", { query: "dog", tags: ["pets"], tag_match_mode: "all", start_datetime: "2000-01-01" }, (t) => t.includes("Rex"),
   { query: "dog", tag_match_mode: "some" }, (t) => t.startsWith("Error: tag_match_mode must be")],
  ["history_append", { role: "user", content: "I am planning a trip to Kyoto." }, (t) => t.startsWith("Appended to the history as "),
   { role: "robot", content: "x" }, (t) => t.startsWith("Error: argument 'role' must be one of")],
  ["conversation_search", { query: "Kyoto", roles: ["user"] }, (t) => t.includes("Kyoto"),
   { query: "Kyoto", start_date: "yesterday-ish" }, (t) => t.startsWith("Error:") && t.includes("start_date")],
  ["grep_files", { pattern: "lighthouse" }, (t) => t.includes("notes.md"),
   { pattern: "(unclosed" }, (t) => t.startsWith("Error:")],
  ["search_files", { query: "lighthouse keeper" }, (t) => t.includes("notes.md"),
   { query: "lighthouse", limit: "lots" }, (t) => t.startsWith("Error: argument 'limit' must be")],
  ["open_files", { file_requests: [{ file_name: "notes.md", offset: 1, length: 5 }] }, (t) => t.includes("lighthouse"),
   { file_requests: [{ file_name: "../agent.yaml" }] }, (t) => t.startsWith("Error:") && !t.includes("model:")],
  ["close_files", { file_names: ["notes.md"] }, (t) => t.includes("Closed"),
   { file_names: [] }, (t) => t.startsWith("Error: file_names is empty")],
];

async function exercise(client, transportName, extra = {}) {
  const tag = `[${transportName}]`;
  const info = client.getServerVersion();
  check(`${tag} initialize names the server`, info && info.name === "memdir", JSON.stringify(info));
  const caps = client.getServerCapabilities();
  check(`${tag} resources can be subscribed to`, caps.resources && caps.resources.subscribe === true);

  const tools = (await client.listTools()).tools;
  const names = tools.map((t) => t.name);
  for (const [tool] of calls) {
    check(`${tag} tools/list has ${tool}`, names.includes(tool), names.join(","));
  }
  check(`${tag} every schema is an object schema`, tools.every((t) => t.inputSchema.type === "object"));
  check(`${tag} send_message is not offered`, !names.includes("send_message"));

  for (const [tool, good, goodOk, bad, badOk] of calls) {
    const g = await client.callTool({ name: tool, arguments: { ...extra, ...good } });
    check(`${tag} ${tool} with good arguments`, !g.isError && goodOk(text(g)), text(g));
    const b = await client.callTool({ name: tool, arguments: { ...extra, ...bad } });
    check(`${tag} ${tool} with bad arguments`, b.isError === true && badOk(text(b)), text(b));
  }

  const resources = (await client.listResources()).resources.map((r) => r.uri);
  const human = `memdir://${name}/memory/human`;
  check(`${tag} resources/list has the blocks`, resources.includes(human) && resources.includes(`memdir://${name}/memory`), resources.join(","));
  const read = await client.readResource({ uri: human });
  check(`${tag} a block reads with its limit`, read.contents[0].text.includes("chars_limit="), read.contents[0].text);

  const prompts = (await client.listPrompts()).prompts.map((p) => p.name);
  check(`${tag} prompts/list has memory_guide`, prompts.includes("memory_guide"), prompts.join(","));
  const guide = await client.getPrompt({ name: "memory_guide", arguments: {} });
  check(`${tag} the guide carries core memory`, guide.messages[0].content.text.includes("<memory_blocks>"));

  // A person edits the block by hand while the client is subscribed.
  const updates = [];
  const lists = [];
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => updates.push(n.params.uri));
  client.setNotificationHandler(ResourceListChangedNotificationSchema, () => lists.push(1));
  await client.subscribeResource({ uri: human });
  const file = join(dir, "memory", "human.md");
  const marker = `Hand edit over ${transportName}.`;
  writeFileSync(file, readFileSync(file, "utf8") + marker + "\n");
  check(`${tag} the subscriber hears the hand edit`, await waitFor("update", () => updates.includes(human)), updates.join(","));
  const after = await client.readResource({ uri: human });
  check(`${tag} the resource shows the hand edit`, after.contents[0].text.includes(marker));
  const more = await client.callTool({ name: "memory_insert", arguments: { ...extra, label: "human", new_str: `Client line over ${transportName}.` } });
  const now = readFileSync(file, "utf8");
  check(`${tag} a client edit keeps the hand edit`, !more.isError && now.includes(marker) && now.includes(`Client line over ${transportName}.`), now);
  writeFileSync(join(dir, "memory", `${transportName}.md`), "---\ndescription: A new block.\n---\nNew.\n");
  check(`${tag} a new block file changes the list`, await waitFor("list", () => lists.length > 0));
  await client.unsubscribeResource({ uri: human });
}

async function overStdio() {
  const transport = new StdioClientTransport({
    command: command[0],
    args: [...command.slice(1), "mcp", dir],
    stderr: "inherit",
  });
  const client = new Client({ name: "memdir-ts-test", version: "1.0.0" });
  await client.connect(transport);
  const pid = transport.pid;
  try {
    await exercise(client, "stdio");
  } finally {
    await client.close();
    // The SDK's close ends stdin, then signals, and does not wait after SIGKILL: wait until the
    // server process is gone, so it writes nothing into the agent folder after this script exits.
    check("[stdio] the server process ended", await gone(pid, 30000), `pid ${pid}`);
  }
}

/** Whether process `pid` has ended within `ms` milliseconds. */
async function gone(pid, ms) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function overHttp() {
  const child = spawn(command[0], [...command.slice(1), "mcp", dir, "--http", "0", "--token", TOKEN], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const url = await new Promise((resolve, reject) => {
      let buf = "";
      child.stdout.on("data", (d) => {
        buf += d;
        const nl = buf.indexOf("\n");
        if (nl >= 0) resolve(buf.slice(0, nl).trim());
      });
      child.on("exit", (code) => reject(new Error(`memdir mcp --http exited with ${code}`)));
    });
    check("[http] prints its URL", /^http:\/\/127\.0\.0\.1:\d+\/mcp$/.test(url), url);
    const init = {
      jsonrpc: "2.0", id: 1, method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
    };
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    const denied = await fetch(url, { method: "POST", headers, body: JSON.stringify(init) });
    check("[http] no token: 401", denied.status === 401, String(denied.status));
    const transport = new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
    });
    const client = new Client({ name: "memdir-ts-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      await exercise(client, "http");
    } finally {
      await client.close();
    }
  } finally {
    // Wait for the server to end (it closes its index on SIGTERM), so nothing writes into the agent
    // folder after this script exits and the test deletes it.
    const exited = child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const ended = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 30000))]);
    if (!ended) {
      child.kill("SIGKILL");
      await exited;
    }
    check("[http] the server ends on SIGTERM", ended);
  }
}

try {
  await overStdio();
  await overHttp();
} catch (e) {
  failed++;
  console.log(`FAIL unexpected error: ${e && e.stack ? e.stack : e}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
