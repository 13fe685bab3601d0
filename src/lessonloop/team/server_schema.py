"""The team's PostgreSQL schema (`lessonloop_team`): tables, full-text search, the vector column
when pgvector is there, and the functions every member calls.

Members never touch the tables: every read and write goes through a SECURITY DEFINER function that
checks the member's name and token (stored as a SHA-256 hash) and role first (read < write <
maintain). Give members a database login that may only call them (docs/team.md): the tables are the
owner's, the schema's functions are granted to PUBLIC.

Ordering is the server's alone: every change takes the next value of `change_seq` while holding a
row lock on `meta`'s 'changes' row (lock_changes), so changes commit in the order of their numbers
and a pull that has read up to N has seen every change numbered N or less, whatever the members'
clocks say. The row is the owner's: no login can take that lock but through push, forget and
reject (a plain advisory lock, which any login may take, stalled every push). A pull's page is
one statement (pull_page), so one snapshot: an item made while it ran is in it or after it.
"""

from __future__ import annotations

from lessonloop.lesson_model.confidence import SEVERITIES

SCHEMA = "lessonloop_team"
# `lessonloop team init` on a server of an older version brings it up to this one (tables and
# columns IF NOT EXISTS, functions CREATE OR REPLACE, their signatures kept so members whose
# lessonloop is older keep working). 2: item_members(), the one query of an item's members.
# 3: no function searches `public` (a function planted there ran with the owner's rights); a push
# is checked whole before anything is written (check_push). 4: pull_items(), pull with each
# item's author (whose texts it carries) and every member's own counts, so that a member's counts
# never change what another member's lesson says here (pull stays for older members).
# 5: a pull's page is one statement (pull_page; pull_items joined pull's rows, read with a newer
# snapshot, to items and lost those made in between); changes are ordered by a row lock on
# meta's 'changes' row no login can take (lock_changes, not an advisory lock), with a lock
# timeout for clients that set none; check_push checks every text's type and bound and how deep
# the texts and evidence nest.
SCHEMA_VERSION = 5
MAX_PUSH_ITEMS = 500  # items in one push (a member sends 100 a batch: team/sync.py PUSH_BATCH)
MAX_ITEM_TEXT = 65_536  # bytes of an item's texts, and of its evidence
MAX_PAYLOAD_DEPTH = 6  # levels an item's texts nest (the texts 1, a trigger 2, its `unless` 3, a list 4)
MAX_EVIDENCE_DEPTH = 4  # levels its evidence nests (the evidence 1, roles and feedback 2)
MAX_PAYLOAD_KEYS = 32  # fields of an item's texts
MAX_SHORT_TEXT = 200  # characters of a lesson's kind, category and error class, of a command's program
SHORT_TEXTS = ("kind", "category", "error_class", "program")
# Seconds a change waits for the lock that orders changes: what a client sets (team/server.py),
# and what lock_changes sets when a client set nothing (one older than schema 5).
LOCK_TIMEOUT_S = 20

_TABLES = """
CREATE SCHEMA IF NOT EXISTS lessonloop_team;
SET LOCAL search_path TO lessonloop_team;
CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS members (
    name text PRIMARY KEY,
    token_hash text NOT NULL,               -- hex SHA-256 of the token; the token itself is never stored
    role text NOT NULL CHECK (role IN ('read', 'write', 'maintain')),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_push_at timestamptz,
    last_pull_at timestamptz,
    last_pull_seq bigint
);
CREATE SEQUENCE IF NOT EXISTS change_seq;
-- One shared thing: a lesson or a command's telemetry, named by its content (project + signature).
CREATE TABLE IF NOT EXISTS items (
    id text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('lesson', 'command')),
    project text NOT NULL,                  -- the normalized remote URL; '' for a global lesson
    signature text NOT NULL,
    payload jsonb NOT NULL,                 -- its author's texts (redacted before they left)
    author text,                            -- the contributor whose texts are shown; NULL once all forgot
    rejected_by text,
    rejected_at timestamptz,
    reject_reason text,
    seq bigint NOT NULL,                    -- change_seq at its last change: the pull cursor's order
    changed_at timestamptz NOT NULL DEFAULT now(),
    search tsvector GENERATED ALWAYS AS (to_tsvector('english',
        coalesce(payload->>'title', '') || ' ' || coalesce(payload->>'body', '') || ' ' ||
        coalesce(payload->>'prevention', '') || ' ' || coalesce(payload->>'command', ''))) STORED
);
CREATE INDEX IF NOT EXISTS items_seq ON items (seq);
CREATE INDEX IF NOT EXISTS items_search ON items USING gin (search);
-- Each member's own observations of an item, replaced (never added) by each push: counted once.
CREATE TABLE IF NOT EXISTS contributions (
    item_id text NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    member text NOT NULL REFERENCES members (name) ON DELETE CASCADE,
    payload jsonb NOT NULL,
    counts jsonb NOT NULL,
    evidence jsonb,
    first_seen text,
    last_seen text,
    digest text NOT NULL,
    batch_id text NOT NULL,
    pushed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_id, member)
);
CREATE INDEX IF NOT EXISTS contributions_member ON contributions (member);
-- Batches received, so a batch sent again (the sender was killed before it heard back) is a no-op.
CREATE TABLE IF NOT EXISTS batches (
    member text NOT NULL,
    batch_id text NOT NULL,
    items integer NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (member, batch_id)
);
-- The row whose lock orders changes (lock_changes): the owner's, like every table here.
INSERT INTO meta (key, value) VALUES ('changes', 'locked by push, forget and reject: changes commit in order')
ON CONFLICT (key) DO NOTHING;
"""

_VECTOR = """
ALTER TABLE lessonloop_team.items ADD COLUMN IF NOT EXISTS embedding {vector_schema}.vector;
ALTER TABLE lessonloop_team.items ADD COLUMN IF NOT EXISTS embedding_model text;
"""

_FUNCTIONS = """
-- The members contributing to an item, by name ('{}' when none): what pull, search and similar
-- return with each item. Called by them only (not granted to members).
CREATE OR REPLACE FUNCTION lessonloop_team.item_members(p_item text) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(c.member ORDER BY c.member), '{}'::text[])
    FROM lessonloop_team.contributions c WHERE c.item_id = p_item
$$;

CREATE OR REPLACE FUNCTION lessonloop_team.member_role(p_member text, p_token text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = lessonloop_team, pg_temp AS $$
DECLARE found_role text;
BEGIN
    SELECT role INTO found_role FROM members
    WHERE name = p_member AND token_hash = encode(sha256(convert_to(coalesce(p_token, ''), 'UTF8')), 'hex');
    IF found_role IS NULL THEN
        RAISE EXCEPTION 'unknown member % or wrong token', p_member USING ERRCODE = '28000';
    END IF;
    RETURN found_role;
END $$;

CREATE OR REPLACE FUNCTION lessonloop_team.require_role(p_member text, p_token text, p_need text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = lessonloop_team, pg_temp AS $$
DECLARE found_role text := member_role(p_member, p_token);
BEGIN
    IF (p_need = 'write' AND found_role NOT IN ('write', 'maintain'))
       OR (p_need = 'maintain' AND found_role <> 'maintain') THEN
        RAISE EXCEPTION 'member % has the % role; this needs the % role', p_member, found_role, p_need
            USING ERRCODE = '42501';
    END IF;
    RETURN found_role;
END $$;

-- The lock that orders changes: the 'changes' row of meta, which only the owner may read or lock
-- (members' logins have no right on any table), so no login can hold it but through push, forget
-- and reject, each after checking the member. A client that set no lock_timeout (older than
-- schema 5) waits {server_lock_timeout} at most, then gets lock_not_available. Not granted to members.
CREATE OR REPLACE FUNCTION lessonloop_team.lock_changes() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = lessonloop_team, pg_temp AS $$
BEGIN
    IF pg_catalog.current_setting('lock_timeout') IN ('0', '0ms') THEN
        PERFORM pg_catalog.set_config('lock_timeout', '{server_lock_timeout}', true);
    END IF;
    PERFORM 1 FROM meta WHERE key = 'changes' FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the team schema has no changes row: run `lessonloop team init` again as the owner'
            USING ERRCODE = '55000';
    END IF;
END $$;

-- What a push may hold, checked before anything is written: the server trusts no client. An item's
-- id is derived from its kind, project and signature (team/items.py item_id), every count is a
-- number from 0 to 1e9 (a lesson's failing sessions no more than its sessions), every text is a
-- string (or null) of bounded length, a lesson's trigger an object, a severity one of the four,
-- the texts and evidence nest a bounded number of levels, and every text, object and list has a
-- bound. A push breaking one is refused whole, naming the item and why.
CREATE OR REPLACE FUNCTION lessonloop_team.check_push(p_items jsonb) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    it jsonb;
    payload jsonb;
    counts jsonb;
    entry record;
    item_label text;
    expected text;
BEGIN
    IF jsonb_typeof(p_items) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'a push is a list of items' USING ERRCODE = '22023';
    END IF;
    IF jsonb_array_length(p_items) > {max_items} THEN
        RAISE EXCEPTION 'a push holds at most {max_items} items (this one %)', jsonb_array_length(p_items)
            USING ERRCODE = '22023';
    END IF;
    FOR it IN SELECT value FROM jsonb_array_elements(p_items) LOOP
        IF jsonb_typeof(it) IS DISTINCT FROM 'object' OR jsonb_typeof(it->'id') IS DISTINCT FROM 'string'
           OR length(it->>'id') > 64 THEN
            RAISE EXCEPTION 'an item of the push has no id' USING ERRCODE = '22023';
        END IF;
        item_label := 'item ' || (it->>'id');
        IF coalesce(it->>'deleted', 'false') = 'true' THEN
            CONTINUE;
        END IF;
        IF jsonb_typeof(it->'kind') IS DISTINCT FROM 'string' OR it->>'kind' NOT IN ('lesson', 'command')
           OR jsonb_typeof(it->'project') IS DISTINCT FROM 'string' OR length(it->>'project') > 500
           OR jsonb_typeof(it->'signature') IS DISTINCT FROM 'string' OR length(it->>'signature') > 200
           OR jsonb_typeof(it->'digest') IS DISTINCT FROM 'string' OR length(it->>'digest') > 64 THEN
            RAISE EXCEPTION '%: its kind, project, signature or digest is missing or too long', item_label
                USING ERRCODE = '22023';
        END IF;
        expected := left(encode(sha256(convert_to(it->>'kind', 'UTF8') || decode('00', 'hex')
                        || convert_to(it->>'project', 'UTF8') || decode('00', 'hex')
                        || convert_to(it->>'signature', 'UTF8')), 'hex'), 32);
        IF it->>'id' <> expected THEN
            RAISE EXCEPTION '%: its id is not the one its kind, project and signature make', item_label
                USING ERRCODE = '22023';
        END IF;
        payload := it->'payload';
        IF jsonb_typeof(payload) IS DISTINCT FROM 'object' OR octet_length(payload::text) > {max_text} THEN
            RAISE EXCEPTION '%: its texts are not an object of at most {max_text} bytes', item_label
                USING ERRCODE = '22023';
        END IF;
        -- a list or object at level {max_depth} (the texts are level 0 here) nests deeper than {max_depth} levels;
        -- the path stops there, however deep the value goes
        IF jsonb_path_exists(payload, 'strict $.**{{max_depth}} ? (@.type() == "object" || @.type() == "array")') THEN
            RAISE EXCEPTION '%: its texts nest deeper than {max_depth} levels', item_label USING ERRCODE = '22023';
        END IF;
        IF (SELECT count(*) FROM jsonb_object_keys(payload)) > {max_keys} THEN
            RAISE EXCEPTION '%: its texts have more than {max_keys} fields', item_label USING ERRCODE = '22023';
        END IF;
        FOR entry IN SELECT key, value FROM jsonb_each(payload) LOOP
            IF length(entry.key) > 40 THEN
                RAISE EXCEPTION '%: a field of its texts has a name over 40 characters', item_label
                    USING ERRCODE = '22023';
            ELSIF it->>'kind' = 'lesson' AND entry.key = 'trigger' THEN
                IF jsonb_typeof(entry.value) NOT IN ('object', 'null') THEN
                    RAISE EXCEPTION '%: its trigger is a JSON %, not an object', item_label, jsonb_typeof(entry.value)
                        USING ERRCODE = '22023';
                END IF;
            ELSIF jsonb_typeof(entry.value) NOT IN ('string', 'null') THEN
                RAISE EXCEPTION '%: its % is a JSON %, not a text', item_label, entry.key, jsonb_typeof(entry.value)
                    USING ERRCODE = '22023';
            ELSIF entry.key IN ({short_texts}) AND length(entry.value #>> '{}') > {max_short} THEN
                RAISE EXCEPTION '%: its % is over {max_short} characters', item_label, entry.key
                    USING ERRCODE = '22023';
            END IF;
        END LOOP;
        IF it->>'kind' = 'lesson' AND jsonb_typeof(payload->'severity') = 'string'
           AND payload->>'severity' NOT IN ({severities}) THEN
            RAISE EXCEPTION '%: its severity is not one of {severity_list}', item_label USING ERRCODE = '22023';
        END IF;
        IF it->>'kind' = 'command' AND jsonb_typeof(payload->'command') IS DISTINCT FROM 'string' THEN
            RAISE EXCEPTION '%: its command is not a text', item_label USING ERRCODE = '22023';
        END IF;
        IF it ? 'evidence' AND jsonb_typeof(it->'evidence') <> 'null'
           AND (jsonb_typeof(it->'evidence') <> 'object' OR octet_length((it->'evidence')::text) > {max_text}) THEN
            RAISE EXCEPTION '%: its evidence is not an object of at most {max_text} bytes', item_label
                USING ERRCODE = '22023';
        END IF;
        IF jsonb_path_exists(coalesce(it->'evidence', 'null'),
                             'strict $.**{{max_evidence_depth}} ? (@.type() == "object" || @.type() == "array")') THEN
            RAISE EXCEPTION '%: its evidence nests deeper than {max_evidence_depth} levels', item_label
                USING ERRCODE = '22023';
        END IF;
        IF (it ? 'first_seen' AND jsonb_typeof(it->'first_seen') NOT IN ('string', 'null'))
           OR (it ? 'last_seen' AND jsonb_typeof(it->'last_seen') NOT IN ('string', 'null'))
           OR length(it->>'first_seen') > 40 OR length(it->>'last_seen') > 40 THEN
            RAISE EXCEPTION '%: its first or last seen is not a time', item_label USING ERRCODE = '22023';
        END IF;
        IF it ? 'embedding' AND jsonb_typeof(it->'embedding') <> 'null'
           AND (jsonb_typeof(it->'embedding') <> 'array' OR jsonb_array_length(it->'embedding') > 4096
                OR jsonb_path_exists(it->'embedding', 'strict $[*] ? (@.type() != "number")')
                OR jsonb_typeof(it->'embedding_model') IS DISTINCT FROM 'string'
                OR length(it->>'embedding_model') > 200) THEN
            RAISE EXCEPTION '%: its vector is not a list of at most 4096 numbers with its model', item_label
                USING ERRCODE = '22023';
        END IF;
        counts := it->'counts';
        IF jsonb_typeof(counts) IS DISTINCT FROM 'object' OR (SELECT count(*) FROM jsonb_object_keys(counts)) > 16 THEN
            RAISE EXCEPTION '%: its counts are not an object of at most 16 numbers', item_label
                USING ERRCODE = '22023';
        END IF;
        FOR entry IN SELECT key, value FROM jsonb_each(counts) LOOP
            IF length(entry.key) > 40 OR jsonb_typeof(entry.value) <> 'number'
               OR (entry.value)::text::numeric < 0 OR (entry.value)::text::numeric > 1e9 THEN
                RAISE EXCEPTION '%: count % is not a number from 0 to 1e9', item_label, left(entry.key, 40)
                    USING ERRCODE = '22023';
            END IF;
        END LOOP;
        IF it->>'kind' = 'lesson' AND coalesce((counts->>'failed_sessions')::numeric, 0)
                                      > coalesce((counts->>'sessions')::numeric, 0) THEN
            RAISE EXCEPTION '%: more failing sessions than sessions', item_label USING ERRCODE = '22023';
        END IF;
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION lessonloop_team.push(p_member text, p_token text, p_batch text, p_items jsonb)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = lessonloop_team, pg_temp AS $$
DECLARE
    it jsonb;
    changed integer := 0;
BEGIN
    PERFORM require_role(p_member, p_token, 'write');
    PERFORM lessonloop_team.check_push(p_items);
    IF length(p_batch) > 100 THEN
        RAISE EXCEPTION 'a batch id is at most 100 characters' USING ERRCODE = '22023';
    END IF;
    PERFORM lock_changes();
    IF EXISTS (SELECT 1 FROM batches WHERE member = p_member AND batch_id = p_batch) THEN
        RETURN -1;  -- received before: nothing to do
    END IF;
    FOR it IN SELECT value FROM jsonb_array_elements(p_items) LOOP
        IF coalesce((it->>'deleted')::boolean, false) THEN
            DELETE FROM contributions WHERE item_id = it->>'id' AND member = p_member;
            IF FOUND THEN
                PERFORM settle_author(it->>'id');
                changed := changed + 1;
            END IF;
            CONTINUE;
        END IF;
        IF EXISTS (SELECT 1 FROM contributions WHERE item_id = it->>'id' AND member = p_member
                   AND digest = it->>'digest') THEN
            CONTINUE;  -- the server has exactly this already
        END IF;
        INSERT INTO items (id, kind, project, signature, payload, author, seq)
        VALUES (it->>'id', it->>'kind', it->>'project', it->>'signature', it->'payload', p_member,
                nextval('change_seq'))
        ON CONFLICT (id) DO UPDATE SET
            payload = CASE WHEN items.author IS NULL OR items.author = p_member THEN excluded.payload
                           ELSE items.payload END,
            author = coalesce(items.author, p_member),
            seq = excluded.seq, changed_at = now();
        INSERT INTO contributions (item_id, member, payload, counts, evidence, first_seen, last_seen, digest, batch_id)
        VALUES (it->>'id', p_member, it->'payload', it->'counts', it->'evidence', it->>'first_seen',
                it->>'last_seen', it->>'digest', p_batch)
        ON CONFLICT (item_id, member) DO UPDATE SET
            payload = excluded.payload, counts = excluded.counts, evidence = excluded.evidence,
            first_seen = excluded.first_seen, last_seen = excluded.last_seen, digest = excluded.digest,
            batch_id = excluded.batch_id, pushed_at = now();
        {vector_update}
        changed := changed + 1;
    END LOOP;
    INSERT INTO batches (member, batch_id, items) VALUES (p_member, p_batch, jsonb_array_length(p_items));
    UPDATE members SET last_push_at = now() WHERE name = p_member;
    RETURN changed;
END $$;

-- After a contribution left: the item's texts come from a remaining contributor (the first by
-- name), or it becomes a tombstone (no author, no texts) that tells pullers to drop their copy.
CREATE OR REPLACE FUNCTION lessonloop_team.settle_author(p_item text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = lessonloop_team, pg_temp AS $$
DECLARE next_author text; next_payload jsonb;
BEGIN
    SELECT member, payload INTO next_author, next_payload FROM contributions
    WHERE item_id = p_item ORDER BY member LIMIT 1;
    IF next_author IS NULL THEN
        UPDATE items SET author = NULL, payload = '{}'::jsonb, seq = nextval('change_seq'), changed_at = now()
        WHERE id = p_item;
    ELSE
        UPDATE items SET author = next_author,
            payload = CASE WHEN author = next_author THEN payload ELSE next_payload END,
            seq = nextval('change_seq'), changed_at = now()
        WHERE id = p_item;
    END IF;
END $$;

-- One page of the items changed after p_after, in the order of their changes, each with its totals,
-- members, first and last seen, author (whose texts it carries) and each member's own counts
-- ({member: counts}) and times ({member: [first_seen, last_seen]}): one statement, so one
-- snapshot. Called by pull and pull_items only (not granted to members); STABLE, so it reads with
-- their statement's snapshot.
DROP FUNCTION IF EXISTS lessonloop_team.pull_page(bigint, integer);
CREATE FUNCTION lessonloop_team.pull_page(p_after bigint, p_limit integer)
RETURNS TABLE (seq bigint, id text, kind text, project text, signature text, payload jsonb,
               rejected_by text, reject_reason text, totals jsonb, members text[], first_seen text, last_seen text,
               author text, member_counts jsonb, member_seen jsonb)
LANGUAGE sql STABLE SET search_path = lessonloop_team, pg_temp AS $$
    SELECT i.seq, i.id, i.kind, i.project, i.signature, i.payload, i.rejected_by, i.reject_reason,
           coalesce((SELECT jsonb_object_agg(t.key, t.total) FROM (
               SELECT e.key, sum(e.value::text::numeric) AS total
               FROM contributions c, jsonb_each(c.counts) e
               WHERE c.item_id = i.id AND jsonb_typeof(e.value) = 'number' GROUP BY e.key) t), '{}'::jsonb),
           coalesce((SELECT array_agg(c.member ORDER BY c.member) FROM contributions c WHERE c.item_id = i.id),
                    '{}'::text[]),
           (SELECT min(c.first_seen) FROM contributions c WHERE c.item_id = i.id),
           (SELECT max(c.last_seen) FROM contributions c WHERE c.item_id = i.id),
           i.author,
           coalesce((SELECT jsonb_object_agg(c.member, c.counts) FROM contributions c WHERE c.item_id = i.id),
                    '{}'::jsonb),
           coalesce((SELECT jsonb_object_agg(c.member, jsonb_build_array(c.first_seen, c.last_seen))
                     FROM contributions c WHERE c.item_id = i.id), '{}'::jsonb)
    FROM items i WHERE i.seq > p_after ORDER BY i.seq LIMIT p_limit
$$;

-- The page (pull_page's first twelve columns), for members whose lessonloop is older than schema 4.
CREATE OR REPLACE FUNCTION lessonloop_team.pull(p_member text, p_token text, p_after bigint, p_limit integer)
RETURNS TABLE (seq bigint, id text, kind text, project text, signature text, payload jsonb,
               rejected_by text, reject_reason text, totals jsonb, members text[], first_seen text, last_seen text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = lessonloop_team, pg_temp AS $$
BEGIN
    PERFORM member_role(p_member, p_token);
    RETURN QUERY
    SELECT p.seq, p.id, p.kind, p.project, p.signature, p.payload, p.rejected_by, p.reject_reason, p.totals,
           p.members, p.first_seen, p.last_seen
    FROM pull_page(p_after, p_limit) p ORDER BY p.seq;
    UPDATE members SET last_pull_at = now(), last_pull_seq = greatest(coalesce(last_pull_seq, 0), p_after)
    WHERE name = p_member;
END $$;

-- The page with the author whose texts an item carries, each member's own counts and each member's
-- own first and last time ({member: [first_seen, last_seen]}): the puller decides whose evidence it
-- counts (its own trust in each member), not the sum, so that a member's counts and times never
-- change what another member's lesson says here, nor how fresh it is. Before schema 5 this joined
-- pull's rows to items, two snapshots: an item made between them was lost. Schema 5 added the
-- member_seen column: the function is made again, its clients read the columns they know.
DROP FUNCTION IF EXISTS lessonloop_team.pull_items(text, text, bigint, integer);
CREATE FUNCTION lessonloop_team.pull_items(p_member text, p_token text, p_after bigint, p_limit integer)
RETURNS TABLE (seq bigint, id text, kind text, project text, signature text, payload jsonb,
               rejected_by text, reject_reason text, totals jsonb, members text[], first_seen text, last_seen text,
               author text, member_counts jsonb, member_seen jsonb)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = lessonloop_team, pg_temp AS $$
BEGIN
    PERFORM member_role(p_member, p_token);
    RETURN QUERY SELECT * FROM pull_page(p_after, p_limit) p ORDER BY p.seq;
    UPDATE members SET last_pull_at = now(), last_pull_seq = greatest(coalesce(last_pull_seq, 0), p_after)
    WHERE name = p_member;
END $$;

CREATE OR REPLACE FUNCTION lessonloop_team.forget(p_member text, p_token text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = lessonloop_team, pg_temp AS $$
DECLARE gone text; removed integer := 0;
BEGIN
    PERFORM member_role(p_member, p_token);
    IF NOT EXISTS (SELECT 1 FROM contributions WHERE member = p_member)
       AND NOT EXISTS (SELECT 1 FROM batches WHERE member = p_member) THEN
        RETURN 0;  -- nothing of theirs: no lock (a read member's forget never holds it)
    END IF;
    PERFORM lock_changes();
    FOR gone IN DELETE FROM contributions WHERE member = p_member RETURNING item_id LOOP
        PERFORM settle_author(gone);
        removed := removed + 1;
    END LOOP;
    DELETE FROM batches WHERE member = p_member;
    RETURN removed;
END $$;

CREATE OR REPLACE FUNCTION lessonloop_team.reject(p_member text, p_token text, p_item text, p_reason text)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = lessonloop_team, pg_temp AS $$
BEGIN
    PERFORM require_role(p_member, p_token, 'maintain');
    PERFORM lock_changes();
    UPDATE items SET rejected_by = p_member, rejected_at = now(), reject_reason = p_reason,
        seq = nextval('change_seq'), changed_at = now()
    WHERE id = p_item;
    RETURN FOUND;
END $$;

CREATE OR REPLACE FUNCTION lessonloop_team.add_member(p_member text, p_token text, p_name text, p_new_token text,
                                                     p_role text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = lessonloop_team, pg_temp AS $$
BEGIN
    PERFORM require_role(p_member, p_token, 'maintain');
    INSERT INTO members (name, token_hash, role)
    VALUES (p_name, encode(sha256(convert_to(p_new_token, 'UTF8')), 'hex'), p_role)
    ON CONFLICT (name) DO UPDATE SET token_hash = excluded.token_hash, role = excluded.role;
END $$;

CREATE OR REPLACE FUNCTION lessonloop_team.status(p_member text, p_token text) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = lessonloop_team, pg_temp AS $$
DECLARE found_role text := member_role(p_member, p_token);
BEGIN
    RETURN jsonb_build_object(
        'role', found_role,
        'schema_version', (SELECT value FROM meta WHERE key = 'schema_version'),
        'vectors', (SELECT value FROM meta WHERE key = 'vectors'),
        'members', (SELECT coalesce(jsonb_agg(jsonb_build_object('name', name, 'role', role,
                    'last_push_at', last_push_at, 'last_pull_at', last_pull_at) ORDER BY name), '[]'::jsonb)
                    FROM members),
        'lessons', (SELECT count(*) FROM items WHERE kind = 'lesson' AND author IS NOT NULL),
        'commands', (SELECT count(*) FROM items WHERE kind = 'command' AND author IS NOT NULL),
        'rejected', (SELECT count(*) FROM items WHERE rejected_by IS NOT NULL AND author IS NOT NULL),
        'projects', (SELECT count(DISTINCT project) FROM items WHERE project <> '' AND author IS NOT NULL),
        'own', (SELECT count(*) FROM contributions WHERE member = p_member),
        'last_seq', (SELECT coalesce(max(seq), 0) FROM items));
END $$;

CREATE OR REPLACE FUNCTION lessonloop_team.search(p_member text, p_token text, p_query text, p_limit integer)
RETURNS TABLE (id text, kind text, project text, payload jsonb, members text[], rank real)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = lessonloop_team, pg_temp AS $$
BEGIN
    PERFORM member_role(p_member, p_token);
    RETURN QUERY
    SELECT i.id, i.kind, i.project, i.payload,
           item_members(i.id),
           ts_rank(i.search, q)
    FROM items i, websearch_to_tsquery('english', p_query) q
    WHERE i.search @@ q AND i.author IS NOT NULL AND i.rejected_by IS NULL
    ORDER BY ts_rank(i.search, q) DESC, i.id LIMIT p_limit;
END $$;
"""

_VECTOR_UPDATE = """IF it ? 'embedding' AND jsonb_typeof(it->'embedding') = 'array' THEN
            UPDATE items SET embedding = (it->>'embedding')::{vector_schema}.vector, embedding_model = it->>'embedding_model'
            WHERE items.id = it->>'id' AND items.author = p_member;
        END IF;"""

# With pgvector only (the function's argument is of its type): the team's lessons nearest by meaning
# to a vector of the same model, by cosine distance.
_SIMILAR = """
CREATE OR REPLACE FUNCTION lessonloop_team.similar(p_member text, p_token text, p_vector {vector_schema}.vector,
                                                  p_model text,
                                                  p_limit integer)
RETURNS TABLE (id text, kind text, project text, payload jsonb, members text[], rank real)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = lessonloop_team, pg_temp AS $$
BEGIN
    PERFORM member_role(p_member, p_token);
    RETURN QUERY
    SELECT i.id, i.kind, i.project, i.payload,
           item_members(i.id),
           (1 - (i.embedding OPERATOR({vector_schema}.<=>) p_vector))::real
    FROM items i
    WHERE i.embedding IS NOT NULL AND i.embedding_model = p_model
      AND {vector_schema}.vector_dims(i.embedding) = {vector_schema}.vector_dims(p_vector)
      AND i.author IS NOT NULL AND i.rejected_by IS NULL
    ORDER BY i.embedding OPERATOR({vector_schema}.<=>) p_vector, i.id LIMIT p_limit;
END $$;
"""

_GRANTS = """
GRANT USAGE ON SCHEMA lessonloop_team TO PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA lessonloop_team FROM PUBLIC;
REVOKE ALL ON FUNCTION lessonloop_team.settle_author(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION lessonloop_team.item_members(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION lessonloop_team.check_push(jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION lessonloop_team.lock_changes() FROM PUBLIC;
REVOKE ALL ON FUNCTION lessonloop_team.pull_page(bigint, integer) FROM PUBLIC;
"""


def table_statements() -> str:
    return _TABLES


def quoted(name: str) -> str:
    """A schema's name as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def vector_statements(vector_schema: str) -> str:
    """pgvector's columns, its type named in `vector_schema` (the schema the extension lives in)."""
    return _VECTOR.replace("{vector_schema}", quoted(vector_schema))


def function_statements(vector_schema: str | None) -> str:
    """Every function, with pgvector's parts when `vector_schema` names the extension's schema.

    No function's search_path holds `public` (or any schema members may create in): a function
    there with a closer match than pg_catalog's (`public.pg_advisory_xact_lock(integer)` for
    `hashtext`'s integer) would run with the owner's rights. pgvector's type, operator and
    functions are named with their schema instead."""
    vector_update = _VECTOR_UPDATE if vector_schema else ""
    functions = (
        (
            _FUNCTIONS.replace("{vector_update}", vector_update)
            .replace("{max_items}", str(MAX_PUSH_ITEMS))
            .replace("{max_text}", str(MAX_ITEM_TEXT))
            .replace("{max_depth}", str(MAX_PAYLOAD_DEPTH))
            .replace("{max_evidence_depth}", str(MAX_EVIDENCE_DEPTH))
            .replace("{max_keys}", str(MAX_PAYLOAD_KEYS))
            .replace("{max_short}", str(MAX_SHORT_TEXT))
            .replace("{short_texts}", ", ".join(f"'{name}'" for name in SHORT_TEXTS))
            .replace("{severities}", ", ".join(f"'{name}'" for name in SEVERITIES))
            .replace("{severity_list}", ", ".join(SEVERITIES))
            .replace("{server_lock_timeout}", f"{LOCK_TIMEOUT_S}s")
        )
        + (_SIMILAR if vector_schema else "")
        + _GRANTS
    )
    return functions.replace("{vector_schema}", quoted(vector_schema)) if vector_schema else functions
