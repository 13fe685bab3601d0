// lessonloop's plugin for OpenCode and its fork Kilo Code: gives lessonloop's lessons to the agent
// while it works, and tells lessonloop what happened (docs/agents/opencode.md, docs/agents/kilo.md).
// Written by `lessonloop hooks install --agent opencode` (or `--agent kilo`), again by every install
// (do not edit it); `lessonloop hooks uninstall --agent opencode` (`--agent kilo`) removes it with
// what install created beside it.
//
// Each hook runs lessonloop's hook command for its event (CONFIG.hooks, the command line every agent's
// hooks run), synchronously and within the event's time limit: the payload as JSON on stdin, a JSON
// answer on stdout. It fails open: an error, a time-out, a command that fails or an answer that is not
// JSON changes nothing, and no hook throws (the agent would end the turn), but for one deliberate case:
// a deny before a tool call throws an Error whose message is the reason (the tool does not run; the
// model reads the reason as the call's result).
import { spawnSync } from "node:child_process"

const CONFIG = __LESSONLOOP_CONFIG__

const MAX_ANSWER_BYTES = 16 * 1024 * 1024

function run(event, place, input, output) {
  try {
    const entries = (CONFIG.hooks || {})[event]
    const entry = Array.isArray(entries) ? entries[0] : null
    if (!entry || typeof entry.command !== "string") return null
    const seconds = typeof entry.timeout === "number" && entry.timeout > 0 ? entry.timeout : 10
    const sent = JSON.stringify({ hook: event, directory: place.directory, worktree: place.worktree, input, output })
    const done = spawnSync("/bin/sh", ["-c", entry.command], {
      input: sent,
      encoding: "utf8",
      timeout: seconds * 1000,
      killSignal: "SIGKILL",
      maxBuffer: MAX_ANSWER_BYTES,
      stdio: ["pipe", "pipe", "ignore"],
      windowsHide: true,
    })
    if (done.error || done.status !== 0 || typeof done.stdout !== "string" || !done.stdout.trim()) return null
    const answer = JSON.parse(done.stdout)
    return answer !== null && typeof answer === "object" && !Array.isArray(answer) ? answer : null
  } catch {
    return null
  }
}

function said(answer, key) {
  const text = answer ? answer[key] : null
  return typeof text === "string" && text.trim() ? text : null
}

function textParts(parts) {
  return (Array.isArray(parts) ? parts : [])
    .filter((part) => part && part.type === "text")
    .map((part) => ({ id: part.id, type: part.type, text: part.text, synthetic: part.synthetic === true }))
}

export const LessonLoop = async ({ directory, worktree }) => {
  const place = { directory, worktree }
  const started = new Set() // the sessions whose first message was seen: SessionStart's lessons once
  return {
    "chat.message": async (input, output) => {
      try {
        const message = (output && output.message) || {}
        const session = (input && input.sessionID) || message.sessionID
        const parts = output && Array.isArray(output.parts) ? output.parts : null
        const sent = { message: { id: message.id, sessionID: session }, parts: textParts(parts) }
        const texts = []
        if (session && !started.has(session)) {
          started.add(session)
          const first = said(run("session.start", place, input, sent), "context")
          if (first) texts.push(first)
        }
        const prompt = said(run("chat.message", place, input, sent), "context")
        if (prompt) texts.push(prompt)
        const last = parts && parts.length ? parts[parts.length - 1] : null
        if (!texts.length || !last || typeof last.id !== "string") return
        parts.push({
          id: last.id + "1",
          messageID: last.messageID || message.id,
          sessionID: last.sessionID || session,
          type: "text",
          synthetic: true,
          text: texts.join("\n\n"),
        })
      } catch {
        // fail open
      }
    },
    "tool.execute.before": async (input, output) => {
      let reason = null
      try {
        reason = said(run("tool.execute.before", place, input, { args: output ? output.args : undefined }), "deny")
      } catch {
        reason = null
      }
      if (reason !== null) throw new Error(reason)
    },
    "tool.execute.after": async (input, output) => {
      try {
        if (!output) return
        const metadata = output.metadata && typeof output.metadata === "object" ? { ...output.metadata } : {}
        delete metadata.output // the raw copy of output.output
        const sent = { title: output.title, output: output.output, metadata }
        const context = said(run("tool.execute.after", place, input, sent), "context")
        if (context && typeof output.output === "string") output.output = output.output + "\n\n" + context
      } catch {
        // fail open
      }
    },
    event: async ({ event }) => {
      try {
        if (event && event.type === "session.idle") {
          run("session.idle", place, {}, { type: event.type, properties: event.properties })
        }
      } catch {
        // fail open
      }
    },
  }
}
