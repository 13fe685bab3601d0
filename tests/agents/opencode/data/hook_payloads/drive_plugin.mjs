// Runs lessonloop's OpenCode plugin under node as OpenCode runs it (tests/test_hooks_opencode.py):
// `node drive_plugin.mjs PLUGIN.mjs STEPS.json` loads the plugin, calls each step's hook with its
// input and output (OpenCode's, as recorded), and prints, for each step, whether the hook threw (and
// its message) and the output object afterwards (what OpenCode would send on), as one JSON array.
import { readFileSync } from "node:fs"
import { pathToFileURL } from "node:url"

const [plugin, stepsFile] = process.argv.slice(2)
const steps = JSON.parse(readFileSync(stepsFile, "utf8"))
const loaded = await import(pathToFileURL(plugin).href)
const results = []
for (const [name, make] of Object.entries(loaded)) {
  if (typeof make !== "function") continue
  const hooks = await make({ directory: steps.directory, worktree: steps.worktree })
  for (const step of steps.steps) {
    const started = Date.now()
    try {
      if (step.hook === "event") await hooks.event({ event: step.output })
      else await hooks[step.hook](step.input, step.output)
      results.push({ plugin: name, threw: null, output: step.output, ms: Date.now() - started })
    } catch (error) {
      results.push({ plugin: name, threw: String(error && error.message), output: step.output, ms: Date.now() - started })
    }
  }
}
process.stdout.write(JSON.stringify(results))
