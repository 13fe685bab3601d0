"""What the figures and classes lessonloop prints mean, in plain words: `lessonloop glossary`,
docs/glossary.md (written from this table; tests/analyze/test_glossary.py keeps them equal), and the few
words the report and the ingest summary print beside a figure (`words`). No imports: cheap to read."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


class Term:
    """One entry: its name as printed, a few plain words for beside a figure, the whole meaning,
    the document that says more."""

    __slots__ = ("doc", "meaning", "name", "short", "topic")

    def __init__(self, topic: str, name: str, short: str, meaning: str, doc: str) -> None:
        self.topic = topic
        self.name = name
        self.short = short
        self.meaning = meaning
        self.doc = doc

    def to_json(self) -> dict[str, str]:
        return {"topic": self.topic, "term": self.name, "short": self.short, "meaning": self.meaning, "doc": self.doc}


SESSIONS = "Sessions and their analysis (sessions, report, analyze)"
ERRORS = "Error classes (report, show, analyze): the class each failed tool call gets"
LESSONS = "Lessons (lessons, recall, replay)"
COSTS = "Tokens and cost (sessions, stats)"
FILES = "File prediction (files evaluate)"
HABITS = "Habits against outcomes (analyze stats)"

TERMS: tuple[Term, ...] = (
    Term(
        SESSIONS,
        "session",
        "one conversation with an agent",
        "One conversation with an agent, from its transcript. A subagent (an agent's Task or subagent call) is a context of "
        "its parent session: its calls and tokens count in the parent's (`+N subagent contexts`).",
        "docs/ARCHITECTURE.md",
    ),
    Term(
        SESSIONS,
        "typed prompts",
        "what a person typed",
        "The messages a person typed, without system texts, command output or compaction summaries.",
        "docs/analysis.md",
    ),
    Term(
        SESSIONS,
        "compliance",
        "share of the workflow rules followed",
        "Of the workflow rules that applied to a session (read before edit, format before commit, tests after "
        "a source edit, no force push to main, no skipped hooks, or the project's own), the share it followed: "
        "satisfied / (satisfied + violated). A dash when no rule applied.",
        "docs/workflow-rules.md",
    ),
    Term(
        SESSIONS,
        "blind edits",
        "edits of a file not read first",
        "Edits (or whole rewrites) of a file the same agent context had not read, created or edited before.",
        "docs/analysis.md",
    ),
    Term(
        SESSIONS,
        "corrections",
        "times the person said no",
        "A person's rejections of a tool call, interruptions, and typed prompts that correct the agent "
        '("no, use pnpm"), in English and nine other languages.',
        "docs/analysis.md",
    ),
    Term(
        SESSIONS,
        "risk",
        "0 to 1: how risky the riskiest edit was",
        "The highest risk of the session's edits: 1 - the product of (1 - weight) over the findings of the "
        "risk rules (SQL built from strings, secrets, eval, shell injection, ...) on the lines an edit added, "
        "with weights info 0.05, low 0.15, medium 0.35, high 0.6, critical 0.85. 0: no finding.",
        "docs/analysis.md",
    ),
    Term(
        SESSIONS,
        "unresolved",
        "errors never fixed later in the session",
        "Failed calls with no later successful call in the session doing the same job (the same file, the "
        "same kind of command); rejections, interruptions and cascades left out.",
        "docs/analysis.md",
    ),
    Term(
        SESSIONS,
        "tests at end",
        "did the last test run pass",
        "Whether the session's last test command failed (or imported failed tests matched it after); a dash "
        "when it ran no tests.",
        "docs/analysis.md",
    ),
    Term(
        SESSIONS,
        "worst habits",
        "what went wrong most often in a project",
        "A project's signals ranked by how often they happened (sessions with the habit out of those where it "
        "could happen): unresolved errors, blind edits, workflow rules broken, usage errors by class, search "
        "loops, re-edits.",
        "docs/analysis.md",
    ),
    Term(
        ERRORS,
        "usage error",
        "a mistake in how the agent called a tool",
        "An error of one of the usage classes (INCORRECT_PARAMETER, PARAMETER_FORMAT, MISSING_PREREQUISITE, "
        "WORKFLOW_SEQUENCE, WRONG_TOOL_SELECTION, MISSING_PARAMETER): the agent's own mistake, what a lesson "
        "can prevent.",
        "docs/error-classes.md",
    ),
    Term(
        ERRORS,
        "INCORRECT_PARAMETER",
        "a wrong path, text or option",
        "An argument was wrong: a path that does not exist, a string that is not in the file, a bad revision, "
        "remote or option, a value outside the tool's rule.",
        "docs/error-classes.md",
    ),
    Term(
        ERRORS,
        "PARAMETER_FORMAT",
        "an argument of the wrong shape",
        "An argument had the wrong type or shape: a number for a string, a regex that does not compile, a "
        "command line its shell cannot parse, a malformed patch.",
        "docs/error-classes.md",
    ),
    Term(
        ERRORS,
        "MISSING_PREREQUISITE",
        "something had to happen first",
        "Something had to happen or exist first: read the file before editing it, set an upstream branch, "
        "install the tool or module, log in.",
        "docs/error-classes.md",
    ),
    Term(
        ERRORS,
        "WORKFLOW_SEQUENCE",
        "steps in the wrong order",
        "The steps were in the wrong order: commit before formatting or linting, push before pull, commit "
        "before staging.",
        "docs/error-classes.md",
    ),
    Term(
        ERRORS,
        "WRONG_TOOL_SELECTION",
        "the wrong tool for the job",
        "The tool was the wrong one: a file read on a folder, a tool that does not exist.",
        "docs/error-classes.md",
    ),
    Term(
        ERRORS,
        "MISSING_PARAMETER",
        "a needed argument left out",
        "A needed argument was left out: a required parameter, offset and limit for a file too large to read.",
        "docs/error-classes.md",
    ),
    Term(
        ERRORS,
        "CHECK_FAILED",
        "tests, lint, types or build failed",
        "The command ran and reported real failures of the code: failing tests, lint findings, type errors, "
        "build errors. Not a usage error: the code is what failed.",
        "docs/error-classes.md",
    ),
    Term(
        ERRORS,
        "INFRASTRUCTURE",
        "the network, a service or the disk failed",
        "The environment failed: network, DNS, TLS, authentication, rate limits, a service down, a full disk.",
        "docs/error-classes.md",
    ),
    Term(
        ERRORS,
        "USER_REJECTED",
        "the person refused the call",
        "The person refused the tool call.",
        "docs/error-classes.md",
    ),
    Term(
        ERRORS,
        "INTERRUPTED",
        "the person stopped the call",
        "The person interrupted the call.",
        "docs/error-classes.md",
    ),
    Term(
        ERRORS,
        "STOPPED",
        "a hook stopped the call before it ran",
        "A hook (a lesson's stop, or another hook's deny) stopped the call before it ran: neither a failure nor a "
        "success of what it would have done.",
        "docs/error-classes.md",
    ),
    Term(
        ERRORS,
        "CASCADE",
        "never ran: a parallel call failed",
        "A sibling call run in parallel failed, so this one never ran.",
        "docs/error-classes.md",
    ),
    Term(
        ERRORS,
        "UNKNOWN",
        "no class applies",
        "No class applies (the first line of the error is kept as evidence).",
        "docs/error-classes.md",
    ),
    Term(
        LESSONS,
        "lesson",
        "a mistake seen before and what worked instead",
        "What went wrong (a failed call, a person's correction, a broken rule), when it applies (its trigger), "
        "and what to do instead, learned from the transcripts with a measured confidence.",
        "docs/lessons.md",
    ),
    Term(
        LESSONS,
        "confidence",
        "0 to 1: how sure lessonloop is the lesson holds",
        "The lower bound of the Wilson score interval (one-sided 95%) of the sessions where the trigger failed "
        "over the sessions with the trigger and without the prevention, times a decay of 5% per 30 days since "
        "the error was last seen. One session where it failed: 0.27.",
        "docs/lessons.md",
    ),
    Term(
        LESSONS,
        "seen",
        "failing sessions / sessions with the trigger",
        "Sessions where the trigger failed / sessions with the trigger and without the prevention (SEEN in "
        "`lessons list`).",
        "docs/lessons.md",
    ),
    Term(
        LESSONS,
        "tier",
        "candidate, active or core, by confidence",
        "candidate below 0.25, active from 0.25 (back below 0.15), core from 0.75 (back below 0.60). Active "
        "and core lessons warn an agent and may stop a call; a candidate gives a note at most.",
        "docs/lessons.md",
    ),
    Term(
        LESSONS,
        "status",
        "pending, active, rejected or archived",
        "active: given to agents; pending: waiting for a person's review (`lessons.review`); rejected: by a "
        "person, kept so it is not learned again; archived: out of use, kept with its evidence.",
        "docs/lessons.md",
    ),
    Term(
        LESSONS,
        "archived",
        "out of use: old, or contradicted by later calls",
        "A lesson whose confidence fell below 0.10 and that was not seen for 180 days, or whose trigger kept "
        "succeeding without the prevention. On a first ingest of an old history, lessons learned from old "
        "mistakes are archived at once. Nothing is deleted: `lessons restore` brings one back.",
        "docs/lessons.md",
    ),
    Term(
        LESSONS,
        "severity",
        "low, medium, high or critical",
        "How much the mistake costs: it starts from the error's kind and rises one level at 5 and at 15 "
        "sessions where it failed.",
        "docs/lessons.md",
    ),
    Term(
        LESSONS,
        "recall (replay)",
        "share of repeated mistakes a lesson warned about",
        "In `replay`: of the usage errors that repeated an earlier one, the share a lesson learned from the "
        "earlier one warned about, deciding before the call's result as the PreToolUse hook does.",
        "docs/lessons.md",
    ),
    Term(
        LESSONS,
        "false alarms",
        "successful calls a lesson warned about",
        "In `replay`: successful calls on which a lesson fired, per successful call.",
        "docs/lessons.md",
    ),
    Term(
        LESSONS,
        "prevention recall (replay)",
        "share of repeated mistakes a lesson would have stopped",
        "In `replay`: of the usage errors that repeated an earlier one, the share a lesson learned from the "
        "earlier one would have stopped (or asked about, or denied) before the call ran: what acts in time in "
        "every agent, where a warning reaches the model only after the call.",
        "docs/lessons.md",
    ),
    Term(
        LESSONS,
        "false stops",
        "successful calls a lesson would have stopped",
        "In `replay`: successful calls a lesson would have stopped, per 100 successful calls: the stop's cost "
        "(the agent sends the call again, or changes it).",
        "docs/lessons.md",
    ),
    Term(
        LESSONS,
        "candidate",
        "a lesson from one failing session: it speaks only where the repeat happens",
        "A lesson whose trigger failed in one session only, or whose confidence is below 0.25: it may be a "
        "one-off. In its own session it speaks while the call keeps failing there; in its project's other "
        "sessions while its confidence is 0.25 or more (the next time its call comes up); there, one that "
        "says what to do instead stops the call once. It goes to another project, a rules file, a team or "
        "session-start context only once it failed in two sessions.",
        "docs/lessons.md",
    ),
    Term(
        COSTS,
        "cost",
        "at list prices; $x+ when some calls have no price",
        "What the calls cost at the providers' list prices (genai-prices' table), computed from the tokens. "
        '"$x+": some calls of a model with no known price are left out; "unknown": none priced.',
        "docs/costs.md",
    ),
    Term(
        COSTS,
        "tokens",
        "input, output, cache write, cache read",
        "Input not cached, output (with reasoning), tokens written to and read from the prompt cache, as each "
        "agent reported them per API response.",
        "docs/costs.md",
    ),
    Term(
        FILES,
        "MRR",
        "1 / the rank of the first right file, averaged",
        "Mean reciprocal rank: 1 / the rank of the first file the commit really changed among the predicted "
        "ones (0 when none is), averaged over the commits tested. 1.0: always first.",
        "docs/files.md",
    ),
    Term(
        FILES,
        "P@1",
        "how often the first file predicted is right",
        "1 when the first prediction is one of the files changed, else 0, averaged.",
        "docs/files.md",
    ),
    Term(
        FILES,
        "Recall@k",
        "share of the changed files in the first k",
        "The share of the files changed found in the first k predictions (k = 5, 10), averaged.",
        "docs/files.md",
    ),
    Term(
        FILES,
        "NDCG@5",
        "how high the right files rank in the first 5",
        "Discounted cumulative gain of the first 5 predictions (1 / log2(rank + 1) per right file), divided "
        "by the best possible.",
        "docs/files.md",
    ),
    Term(
        HABITS,
        "p (exact)",
        "how likely such a difference is by chance",
        "Fisher's exact test (stratified by session size): the chance of a difference at least this large if "
        "the habit made no difference. Below 0.05 is shown in bold; few sessions give little evidence.",
        "docs/analysis.md",
    ),
    Term(
        HABITS,
        "odds ratio",
        "above 1: the bad outcome is more likely with the habit",
        "The odds of the bad outcome with the habit over its odds without, with its 95% interval "
        "(Mantel-Haenszel across strata of session size).",
        "docs/analysis.md",
    ),
    Term(
        HABITS,
        "risk diff",
        "the outcome's rate with the habit minus without",
        "The share of sessions with the bad outcome among those with the habit, minus the share among those without.",
        "docs/analysis.md",
    ),
)

_BY_NAME = {term.name.lower(): term for term in TERMS}
ERROR_CLASSES = tuple(term.name for term in TERMS if term.topic == ERRORS and term.name.isupper())


def words(name: str) -> str:
    """The few plain words for beside a figure or class named `name` ("" for a name not here)."""
    term = _BY_NAME.get(name.lower())
    return term.short if term is not None else ""


def find(queries: Iterable[str]) -> list[Term]:
    """The terms whose name holds any of `queries` (case-insensitive), in the table's order;
    every term when none is given."""
    wanted = [query.lower().strip() for query in queries if query.strip()]
    if not wanted:
        return list(TERMS)
    return [term for term in TERMS if any(query in term.name.lower() for query in wanted)]


def glossary_text(terms: Iterable[Term], width: int = 100) -> str:
    """The terms as plain text, by topic: the name, its few words, then its meaning wrapped."""
    import textwrap

    out: list[str] = []
    topic = None
    for term in terms:
        if term.topic != topic:
            topic = term.topic
            out.extend(["", topic] if out else [topic])
        out.append(f"  {term.name}: {term.short}")
        out.extend(textwrap.wrap(f"{term.meaning} ({term.doc})", max(40, width - 4), initial_indent="    ",
                                 subsequent_indent="    ", break_on_hyphens=False))  # fmt: skip
    return "\n".join(out)


def glossary_markdown() -> str:
    """docs/glossary.md's table part: one section per topic, a row per term."""
    out: list[str] = []
    topic = None
    for term in TERMS:
        if term.topic != topic:
            topic = term.topic
            out.extend(["", f"## {topic}", "", "| Term | In a few words | Meaning |", "|---|---|---|"])
        out.append(f"| {term.name} | {term.short} | {term.meaning} ([{term.doc[5:]}]({term.doc[5:]})) |")
    return "\n".join(out[1:]) + "\n"
