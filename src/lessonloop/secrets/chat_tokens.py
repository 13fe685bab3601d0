"""Chat bots' credentials: Discord bot tokens and webhook URLs, Telegram bot tokens.

A Discord bot token is three dot-separated parts, the first the base64 of the bot's numeric id
(a snowflake of 17 to 20 digits). Base64 of ASCII digits has a fixed shape: its first two
characters follow from the first digit (MT for 1, Mj for 2, ... OT for 9), the third from the
second digit (A, E, I, ... k) and the fourth from the third (w, x, y, z, 0-5), so the token's
anchors are those 900 four-character starts, which random base64 and words rarely hold. A Telegram bot token is the bot's id, a colon and 35 characters that
start with AA.
"""

from __future__ import annotations

from lessonloop.secrets.format_rule import FormatRule, rule

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_TOKEN_CHARS = r"[A-Za-z0-9_\-]"


def _snowflake_starts() -> tuple[str, ...]:
    """The first four base64 characters of a number's decimal digits, for every first digit 1-9
    and second and third digits 0-9 (900 anchors: three characters alone are in CODE, NODE, MODE)."""
    starts = []
    for first in range(1, 10):
        byte = 0x30 + first
        for second in range(10):
            for third in range(10):
                starts.append(_B64[byte >> 2] + _B64[(byte & 3) << 4 | 3] + _B64[second << 2] + _B64[48 + third])
    return tuple(starts)


CHAT_RULES: tuple[FormatRule, ...] = (
    rule(
        "discord-bot-token",
        _snowflake_starts(),
        rf"[MNO]{_TOKEN_CHARS}{{23,27}}\.{_TOKEN_CHARS}{{6}}\.{_TOKEN_CHARS}{{27,40}}+(?![A-Za-z0-9_\-])",
        exact=True,
        search=False,
    ),
    rule(
        "discord-webhook",
        ("discord.com/api/webhooks/", "discordapp.com/api/webhooks/"),
        r"discord(?:app)?\.com/api/webhooks/\d{16,20}/(?P<token>[A-Za-z0-9_\-]{60,80})",
        groups=(("token", "discord-webhook"),),
        boundary=False,
    ),
    # 123456789:AA..., bare or in https://api.telegram.org/bot<token>/method
    rule(
        "telegram-bot-token",
        ":AA",
        r"(?<![A-Za-z0-9_])(?:bot)?(?P<token>\d{6,12}:AA[A-Za-z0-9_\-]{33})(?![A-Za-z0-9_\-])",
        groups=(("token", "telegram-bot-token"),),
        exact=True,
        back=15,
        window=48,
    ),
)
