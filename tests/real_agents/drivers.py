"""How each agent CLI is run as a person would, one prompt at a time, against the model server.

A driver knows the agent's settings for a custom model endpoint and a dummy key, its one-shot
command line with tool calls approved, its names in lessonloop (the store's agent, `hooks install
--agent`), and the trust step the agent documents before it runs a project's hooks.
docs/agents/<agent>.md says the same for a person.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from lessonloop.agents.codex.install_trust import trust_entries
from lessonloop.agents.kilo.install import KILO
from lessonloop.agents.opencode.install import OPENCODE
from lessonloop.apply.hooks.install.plugin_file import PluginAgent, render
from tests.real_agents import clis
from tests.real_agents.model_server import ModelServer
from tests.real_agents.workspace import Workspace

RUN_TIMEOUT = 180.0


@dataclass(frozen=True)
class Run:
    """One agent run: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"exit {self.returncode}\n--- stdout\n{self.stdout[-3000:]}\n--- stderr\n{self.stderr[-3000:]}"


class Driver:
    command = ""  # the CLI's command (clis.COMMANDS)
    agent = ""  # the store's name for the agent (sessions --agent)
    hooks_agent = ""  # hooks install --agent
    needs_trust = False  # the agent skips hooks until the person trusts them
    quiet = False  # the one-shot mode prints nothing of the model's last answer
    prompt_on_stdin = False  # the prompt is piped to the command, not given as an argument

    def setup(self, ws: Workspace, server: ModelServer) -> None:
        """The agent's settings in the workspace's HOME: the model endpoint, no nags."""

    def argv(self, binary: Path, prompt: str) -> list[str]:
        raise NotImplementedError

    def env(self, ws: Workspace, server: ModelServer) -> dict[str, str]:
        return ws.env()

    # The project's hook file `hooks install --agent X` writes (JSON), and the events in it that
    # give the model context before it chooses a call (the session's start, the prompt).
    hook_file = ""
    context_events: tuple[str, ...] = ()
    # The rules file the agent reads, for an agent that runs no hooks (`lessons export --agent`).
    rules_agent = ""

    def trust(self, ws: Workspace) -> None:
        """The step the agent asks of a person before it runs the project's hooks (none here)."""

    def drop_context_hooks(self, ws: Workspace) -> None:
        """Take the session-start and prompt hooks out of the installed hook file: only the hooks
        around a call are left (what acts at the call, and only there). Skips where the agent's
        hooks are no JSON file."""
        if not self.hook_file:
            pytest.skip(f"{self.command}'s hooks are not a JSON file to take events out of")
        path = ws.project / self.hook_file
        data = json.loads(path.read_text(encoding="utf-8"))
        data["hooks"] = {event: hooks for event, hooks in data["hooks"].items() if event not in self.context_events}
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")

    def run(self, ws: Workspace, server: ModelServer, prompt: str) -> Run:
        binary = clis.require(self.command)
        done = subprocess.run(
            self.argv(binary, prompt),
            cwd=ws.project,
            env=self.env(ws, server),
            input=prompt if self.prompt_on_stdin else "",
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
        return Run(done.returncode, done.stdout, done.stderr)


class ClaudeCode(Driver):
    API_KEY = "harness-dummy-key"
    command = "claude"
    agent = "claude-code"
    hooks_agent = "claude"
    hook_file = ".claude/settings.local.json"
    context_events = ("SessionStart", "UserPromptSubmit")

    def argv(self, binary: Path, prompt: str) -> list[str]:
        return [str(binary), "-p", prompt, "--dangerously-skip-permissions"]

    def env(self, ws: Workspace, server: ModelServer) -> dict[str, str]:
        return ws.env(
            ANTHROPIC_BASE_URL=server.url,
            ANTHROPIC_API_KEY=self.API_KEY,
            # As root, --dangerously-skip-permissions is refused unless the process says it is sandboxed.
            IS_SANDBOX="1",
            CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1",
            DISABLE_AUTOUPDATER="1",
        )


class Codex(Driver):
    command = "codex"
    agent = "codex"
    hooks_agent = "codex"
    needs_trust = True
    hook_file = ".codex/hooks.json"
    context_events = ("SessionStart", "UserPromptSubmit")

    def setup(self, ws: Workspace, server: ModelServer) -> None:
        folder = ws.home / ".codex"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.toml").write_text(
            f"""model = "harness-gpt"
model_provider = "harness"
check_for_update_on_startup = false

[model_providers.harness]
name = "harness"
base_url = "{server.url}/v1"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0

[analytics]
enabled = false

[feedback]
enabled = false

[otel]
exporter = "none"

[features]
plugins = false
remote_plugin = false
apps = false
tool_suggest = false
daemon_auto_start = false
""",
            encoding="utf-8",
        )

    def argv(self, binary: Path, prompt: str) -> list[str]:
        return [str(binary), "exec", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox", prompt]

    def trust(self, ws: Workspace) -> None:
        """What Codex's TUI writes when the person trusts the project and, in /hooks, "Trust all"."""
        hooks_file = ws.project / ".codex" / "hooks.json"
        hooks = json.loads(hooks_file.read_text(encoding="utf-8"))["hooks"]
        with (ws.home / ".codex" / "config.toml").open("a", encoding="utf-8") as config:
            config.write(f'\n[projects.{json.dumps(str(ws.project))}]\ntrust_level = "trusted"\n\n')
            config.write(trust_entries(str(hooks_file), hooks))


class Copilot(Driver):
    command = "copilot"
    agent = "copilot"
    hooks_agent = "copilot"
    needs_trust = True
    hook_file = ".github/hooks/lessonloop.json"
    context_events = ("sessionStart", "userPromptSubmitted")

    def argv(self, binary: Path, prompt: str) -> list[str]:
        # Without --allow-all-tools every call is refused in -p mode (and the run still exits 0).
        return [str(binary), "-p", prompt, "--allow-all-tools", "--no-auto-update"]

    def env(self, ws: Workspace, server: ModelServer) -> dict[str, str]:
        return ws.env(
            # BYOK: a custom OpenAI-compatible endpoint (Chat Completions), no GitHub login.
            COPILOT_PROVIDER_BASE_URL=f"{server.url}/v1",
            COPILOT_PROVIDER_API_KEY="harness-dummy-key",
            COPILOT_MODEL="gpt-4.1",
            COPILOT_OFFLINE="true",
            COPILOT_AUTO_UPDATE="false",
            # the 235 MB package the binary unpacks on its first start, once per workspace
            COPILOT_CACHE_HOME=str(ws.root / "copilot-cache"),
        )

    def trust(self, ws: Workspace) -> None:
        """What Copilot writes when the person answers yes to "Do you trust the files in this folder?"."""
        config = ws.home / ".copilot" / "config.json"
        text = config.read_text(encoding="utf-8") if config.exists() else ""
        data = json.loads("\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//")) or "{}")
        data["trustedFolders"] = [*data.get("trustedFolders", []), str(ws.project)]
        config.parent.mkdir(parents=True, exist_ok=True)  # before Copilot's first run, its folder is not there
        config.write_text(json.dumps(data, indent=2), encoding="utf-8")


class Gemini(Driver):
    command = "gemini"
    agent = "gemini"
    hooks_agent = "gemini"
    hook_file = ".gemini/settings.json"
    context_events = ("SessionStart", "BeforeAgent")
    model = "gemini-2.5-flash"  # named: with the default `auto` a routing request comes first

    def setup(self, ws: Workspace, server: ModelServer) -> None:
        folder = ws.home / ".gemini"
        folder.mkdir(parents=True, exist_ok=True)
        settings = {
            "security": {"auth": {"selectedType": "gemini-api-key"}},
            "privacy": {"usageStatisticsEnabled": False},
            "general": {"enableAutoUpdate": False, "enableAutoUpdateNotification": False},
            "telemetry": {"enabled": False},
        }
        (folder / "settings.json").write_text(json.dumps(settings, indent=2), encoding="utf-8")
        # Gemini CLI 0.61 runs nothing in a folder the person has not trusted (exit 55 headless):
        # what its first-run question writes when they say yes.
        (folder / "trustedFolders.json").write_text(json.dumps({str(ws.project): "TRUST_FOLDER"}), encoding="utf-8")

    def argv(self, binary: Path, prompt: str) -> list[str]:
        return [str(binary), "-p", prompt, "--approval-mode", "yolo", "-m", self.model]

    def env(self, ws: Workspace, server: ModelServer) -> dict[str, str]:
        return ws.env(GEMINI_API_KEY="harness-dummy-key", GOOGLE_GEMINI_BASE_URL=server.url)


def opencode_config(server: ModelServer, schema: str) -> dict[str, object]:
    """OpenCode's config (and its fork Kilo's, under Kilo's schema): the model server as an
    OpenAI-compatible provider, every call allowed, no updates, no sharing."""
    return {
        "$schema": schema,
        "model": "harness/harness-model",
        "small_model": "harness/harness-model",
        "autoupdate": False,
        "share": "disabled",
        "permission": {"bash": "allow", "edit": "allow", "external_directory": "allow"},
        "provider": {
            "harness": {
                "npm": "@ai-sdk/openai-compatible",  # bundled in the binary: nothing is downloaded
                "name": "Harness",
                "options": {"baseURL": f"{server.url}/v1", "apiKey": "harness-dummy-key"},
                "models": {
                    "harness-model": {
                        "name": "Harness",
                        "tool_call": True,
                        "limit": {"context": 200000, "output": 8192},
                    }
                },
            }
        },
    }


def xdg_folders(ws: Workspace) -> dict[str, str]:
    """The XDG folders in the workspace's HOME (OpenCode and Kilo keep config, data and state there)."""
    return {
        "XDG_CONFIG_HOME": str(ws.home / ".config"),
        "XDG_DATA_HOME": str(ws.home / ".local" / "share"),
        "XDG_STATE_HOME": str(ws.home / ".local" / "state"),
        "XDG_CACHE_HOME": str(ws.home / ".cache"),
    }


def drop_plugin_context_hooks(agent: PluginAgent, ws: Workspace) -> None:
    """lessonloop's plugin (OpenCode's, Kilo Code's) with a CONFIG without the session-start and prompt
    events (lessonloop's own reader and writer of the plugin file)."""
    path = Path(agent.path("project", str(ws.project)))
    config = agent.parse(path.read_bytes(), str(path))
    config["hooks"] = {
        event: hooks for event, hooks in config["hooks"].items() if event not in ("session.start", "chat.message")
    }
    path.write_bytes(render(config))


class OpenCode(Driver):
    command = "opencode"
    agent = "opencode"
    hooks_agent = "opencode"
    # `opencode run "a b"` sends the words quoted ("a b"); piped, the prompt is sent as it is
    prompt_on_stdin = True

    def setup(self, ws: Workspace, server: ModelServer) -> None:
        folder = ws.home / ".config" / "opencode"
        folder.mkdir(parents=True, exist_ok=True)
        config = opencode_config(server, "https://opencode.ai/config.json")
        (folder / "opencode.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
        # OpenCode installs @opencode-ai/plugin from npm in each config folder at start; it skips
        # that where node_modules/ exists and the lock names the package (no registry needed).
        (folder / "node_modules").mkdir(exist_ok=True)
        lock = {
            "lockfileVersion": 3,
            "packages": {"": {"dependencies": {"@opencode-ai/plugin": clis.pins()["opencode"]}}},
        }
        (folder / "package-lock.json").write_text(json.dumps(lock), encoding="utf-8")

    def argv(self, binary: Path, prompt: str) -> list[str]:
        return [str(binary), "run"]

    def drop_context_hooks(self, ws: Workspace) -> None:
        drop_plugin_context_hooks(OPENCODE, ws)

    def env(self, ws: Workspace, server: ModelServer) -> dict[str, str]:
        return ws.env(
            **xdg_folders(ws),
            OPENCODE_DISABLE_AUTOUPDATE="1",
            OPENCODE_DISABLE_MODELS_FETCH="1",
            OPENCODE_DISABLE_LSP_DOWNLOAD="1",
        )


class QwenCode(Driver):
    command = "qwen"
    agent = "qwen-code"
    hooks_agent = "qwen"
    hook_file = ".qwen/settings.json"
    context_events = ("SessionStart", "UserPromptSubmit")

    def setup(self, ws: Workspace, server: ModelServer) -> None:
        folder = ws.home / ".qwen"
        folder.mkdir(parents=True, exist_ok=True)
        settings = {
            "security": {"auth": {"selectedType": "openai"}},
            "privacy": {"usageStatisticsEnabled": False},
            "general": {"enableAutoUpdate": False},
            "telemetry": {"enabled": False},
        }
        (folder / "settings.json").write_text(json.dumps(settings, indent=2), encoding="utf-8")

    def argv(self, binary: Path, prompt: str) -> list[str]:
        return [str(binary), "--yolo", "--auth-type", "openai", "-m", "harness-model", prompt]

    def env(self, ws: Workspace, server: ModelServer) -> dict[str, str]:
        return ws.env(
            PATH=clis.node_22_env()["PATH"],
            OPENAI_BASE_URL=f"{server.url}/v1",
            OPENAI_API_KEY="harness-dummy-key",
            OPENAI_MODEL="harness-model",
            QWEN_CODE_SUPPRESS_YOLO_WARNING="1",
        )


class Droid(Driver):
    command = "droid"
    agent = "droid"
    hooks_agent = "droid"
    hook_file = ".factory/settings.json"
    context_events = ("SessionStart", "UserPromptSubmit")

    def setup(self, ws: Workspace, server: ModelServer) -> None:
        """A custom model (Droid's bring-your-own-key): no Factory login."""
        folder = ws.home / ".factory"
        folder.mkdir(parents=True, exist_ok=True)
        settings = {
            "customModels": [
                {
                    "model": "harness-model",
                    "displayName": "Harness",
                    "baseUrl": server.url,  # the Anthropic SDK adds /v1/messages
                    "apiKey": "harness-dummy-key",
                    "provider": "anthropic",
                    "maxOutputTokens": 4096,
                }
            ]
        }
        (folder / "settings.json").write_text(json.dumps(settings, indent=2), encoding="utf-8")

    def argv(self, binary: Path, prompt: str) -> list[str]:
        return [str(binary), "exec", "--skip-permissions-unsafe", "-m", "custom:Harness-0", prompt]

    def env(self, ws: Workspace, server: ModelServer) -> dict[str, str]:
        # Airgapped: none of Factory's cloud calls (feature flags, sync, billing) is tried.
        return ws.env(FACTORY_DROID_AUTO_UPDATE_ENABLED="false", FACTORY_AIRGAP_ENABLED="1")


class KimiCode(Driver):
    command = "kimi"
    agent = "kimi-code"
    hooks_agent = "kimi"
    hook_file = ""  # [[hooks]] in ~/.kimi-code/config.toml (TOML): drop_context_hooks below

    def drop_context_hooks(self, ws: Workspace) -> None:
        """Take the session-start and prompt hooks out of Kimi Code's config.toml (its hooks are
        the user's: Kimi Code has no project hook file)."""
        import tomlkit

        path = ws.home / ".kimi-code" / "config.toml"
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
        hooks = document["hooks"]
        assert isinstance(hooks, list)
        for index in reversed(range(len(hooks))):
            if hooks[index]["event"] in ("SessionStart", "UserPromptSubmit"):
                del hooks[index]
        path.write_text(tomlkit.dumps(document), encoding="utf-8")

    def argv(self, binary: Path, prompt: str) -> list[str]:
        return [str(binary), "-p", prompt]  # -p runs in auto permission mode (--auto with it is refused)

    def env(self, ws: Workspace, server: ModelServer) -> dict[str, str]:
        # A model from the environment (Kimi Code's KIMI_MODEL_*): no login, no config file.
        return ws.env(
            PATH=clis.node_22_env()["PATH"],
            KIMI_MODEL_NAME="harness-model",
            KIMI_MODEL_API_KEY="harness-dummy-key",
            KIMI_MODEL_PROVIDER_TYPE="kimi",
            KIMI_MODEL_BASE_URL=f"{server.url}/v1",
            KIMI_DISABLE_TELEMETRY="1",
            KIMI_CODE_NO_AUTO_UPDATE="1",
        )


class ContinueCli(Driver):
    command = "cn"
    agent = "continue"
    hooks_agent = ""  # Continue CLI 1.5.47 loads hooks but never runs them (docs/agents/continue.md)
    rules_agent = "continue"  # it reads AGENTS.md

    _config = Path()

    def setup(self, ws: Workspace, server: ModelServer) -> None:
        path = self._config = ws.home / ".continue" / "config.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "name: Harness\nversion: 1.0.0\nschema: v1\nmodels:\n  - name: Harness\n    provider: openai\n"
            f"    model: harness-model\n    apiBase: {server.url}/v1\n    apiKey: harness-dummy-key\n"
            "    roles:\n      - chat\n",
            encoding="utf-8",
        )

    def argv(self, binary: Path, prompt: str) -> list[str]:
        return [str(binary), "--config", str(self._config), "--auto", "-p", prompt]

    def env(self, ws: Workspace, server: ModelServer) -> dict[str, str]:
        return ws.env(CONTINUE_METRICS_ENABLED="0", CONTINUE_CLI_ENABLE_TELEMETRY="0")


class Cline(Driver):
    command = "cline"
    agent = "cline"
    hooks_agent = ""  # its PreToolUse hook can cancel the whole task only (docs/agents/cline.md)
    rules_agent = "cline"  # .clinerules/

    def setup(self, ws: Workspace, server: ModelServer) -> None:
        """What `cline auth -p openai-compatible -b URL` writes, and no telemetry or updates."""
        folder = ws.home / ".cline" / "data" / "settings"
        folder.mkdir(parents=True, exist_ok=True)
        provider = {
            "provider": "openai-compatible",
            "apiKey": "harness-dummy-key",
            "model": "harness-model",
            "baseUrl": f"{server.url}/v1",
        }
        providers = {
            "version": 1,
            "lastUsedProvider": "openai-compatible",
            "modes": {},
            "providers": {
                "openai-compatible": {
                    "settings": provider,
                    "updatedAt": "2026-01-01T00:00:00.000Z",
                    "tokenSource": "manual",
                }
            },
        }
        (folder / "providers.json").write_text(json.dumps(providers, indent=2), encoding="utf-8")
        settings = {"telemetryOptOut": True, "autoUpdateEnabled": False}
        (folder / "global-settings.json").write_text(json.dumps(settings), encoding="utf-8")

    def argv(self, binary: Path, prompt: str) -> list[str]:
        return [str(binary), "--auto-approve", "true", prompt]

    def env(self, ws: Workspace, server: ModelServer) -> dict[str, str]:
        # local: the session runs in this process (the default starts a daemon on a fixed port
        # that outlives the run and takes the next runs in)
        return ws.env(CLINE_NO_AUTO_UPDATE="1", CLINE_SESSION_BACKEND_MODE="local")


class Kilo(Driver):
    command = "kilo"
    agent = "kilo"
    # lessonloop's plugin in the project's .kilo/plugin/ (OpenCode's, with the node_modules/ and lock
    # that spare Kilo's npm install at start): Kilo runs a project's plugins with no trust step
    hooks_agent = "kilo"
    # `kilo run "a b"` stores the words quoted ("a b"), as OpenCode does; piped, as they are
    prompt_on_stdin = True

    def setup(self, ws: Workspace, server: ModelServer) -> None:
        """The provider in ~/.config/kilo/kilo.json. Kilo runs npm at start only in a config folder
        holding a plugin (none here): nothing to spare in this one."""
        folder = ws.home / ".config" / "kilo"
        folder.mkdir(parents=True, exist_ok=True)
        config = opencode_config(server, "https://app.kilo.ai/config.json")  # OpenCode's shape
        (folder / "kilo.json").write_text(json.dumps(config, indent=2), encoding="utf-8")

    def argv(self, binary: Path, prompt: str) -> list[str]:
        return [str(binary), "run", "--auto"]

    def drop_context_hooks(self, ws: Workspace) -> None:
        drop_plugin_context_hooks(KILO, ws)

    def env(self, ws: Workspace, server: ModelServer) -> dict[str, str]:
        return ws.env(
            **xdg_folders(ws),
            KILO_DISABLE_AUTOUPDATE="1",
            KILO_DISABLE_MODELS_FETCH="1",
            KILO_DISABLE_LSP_DOWNLOAD="1",
            KILO_TELEMETRY_LEVEL="off",
            KILO_DISABLE_SHARE="1",
            KILO_NO_DAEMON="1",
        )


class MistralVibe(Driver):
    command = "vibe"
    agent = "mistral-vibe"
    hooks_agent = "vibe"
    needs_trust = True  # a project's .vibe/hooks.toml runs only in a folder trusted in trusted_folders.toml

    def setup(self, ws: Workspace, server: ModelServer) -> None:
        """A provider and model of the server's in ~/.vibe/config.toml (Vibe's own keys), the key from
        an environment variable it names, nothing sent elsewhere."""
        path = ws.home / ".vibe" / "config.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            'active_model = "harness"\nenable_telemetry = false\nenable_update_checks = false\n'
            "enable_auto_update = false\nenable_connectors = false\n\n[experiments]\nenable = false\n\n"
            f'[[providers]]\nname = "harness"\napi_base = "{server.url}/v1"\napi_key_env_var = "HARNESS_API_KEY"\n'
            'backend = "generic"\napi_style = "openai"\n\n'
            '[[models]]\nname = "harness-model"\nprovider = "harness"\nalias = "harness"\n',
            encoding="utf-8",
        )

    def trust(self, ws: Workspace) -> None:
        """What answering yes to Vibe's "trust this folder?" writes (the interactive UI asks; `vibe -p`
        never does)."""
        path = ws.home / ".vibe" / "trusted_folders.toml"
        path.write_text(f"trusted = [{json.dumps(str(ws.project.resolve()))}]\nuntrusted = []\n", encoding="utf-8")

    def drop_context_hooks(self, ws: Workspace) -> None:
        """Nothing to take out: Vibe has no hook at a session's start or a prompt (its three are
        around a call and at a turn's end)."""

    def argv(self, binary: Path, prompt: str) -> list[str]:
        return [str(binary), "-p", prompt, "--auto-approve"]

    def env(self, ws: Workspace, server: ModelServer) -> dict[str, str]:
        return ws.env(HARNESS_API_KEY="harness-dummy-key")


class PiAgent(Driver):
    command = "pi"
    agent = "pi-agent"
    hooks_agent = ""  # pi runs extensions, not hook commands
    rules_agent = "pi-agent"  # it reads AGENTS.md

    def setup(self, ws: Workspace, server: ModelServer) -> None:
        """The harness's server as a custom OpenAI-compatible provider (pi's models.json)."""
        folder = ws.home / ".pi" / "agent"
        folder.mkdir(parents=True, exist_ok=True)
        provider = {
            "baseUrl": f"{server.url}/v1",
            "api": "openai-completions",
            "apiKey": "harness-dummy-key",
            "compat": {"supportsDeveloperRole": False, "supportsReasoningEffort": False},
            "models": [{"id": "harness-model"}],
        }
        (folder / "models.json").write_text(json.dumps({"providers": {"harness": provider}}), encoding="utf-8")

    def argv(self, binary: Path, prompt: str) -> list[str]:
        return [str(binary), "-p", prompt, "--provider", "harness", "--model", "harness-model"]

    def env(self, ws: Workspace, server: ModelServer) -> dict[str, str]:
        return ws.env(PI_OFFLINE="1", PI_TELEMETRY="0")


class HermesAgent(Driver):
    command = "hermes"
    agent = "hermes"
    hooks_agent = ""  # Hermes runs shell hooks of its own config.yaml, not lessonloop's hook commands
    rules_agent = "hermes"  # it reads AGENTS.md

    def setup(self, ws: Workspace, server: ModelServer) -> None:
        """The harness's server as Hermes's custom OpenAI-compatible endpoint (config.yaml's model)."""
        folder = ws.home / ".hermes"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.yaml").write_text(
            "model:\n  provider: custom\n  default: harness-model\n"
            f"  base_url: {server.url}/v1\n  api_key: harness-dummy-key\n",
            encoding="utf-8",
        )

    def argv(self, binary: Path, prompt: str) -> list[str]:
        return [str(binary), "chat", "-q", prompt, "--yolo", "-Q"]


DRIVERS: dict[str, Driver] = {
    driver.command: driver
    for driver in (
        ClaudeCode(),
        Codex(),
        Copilot(),
        Gemini(),
        OpenCode(),
        QwenCode(),
        Droid(),
        KimiCode(),
        ContinueCli(),
        Cline(),
        Kilo(),
        MistralVibe(),
        PiAgent(),
        HermesAgent(),
    )
}
