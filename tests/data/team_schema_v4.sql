-- lessonloop_team schema version 4 as lessonloop created it (without pgvector): table_statements() and
-- function_statements(None) of src/lessonloop/team/server_schema.py at commit 80ddf6c, kept
-- unchanged so the tests can upgrade a server made by that version (tests/test_team_lock.py).
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

-- What a push may hold, checked before anything is written: the server trusts no client. An item's
-- id is derived from its kind, project and signature (team/items.py item_id), every count is a
-- number from 0 to 1e9 (a lesson's failing sessions no more than its sessions), and every text,
-- object and list has a bound. A push breaking one is refused whole, naming the item and why.
CREATE OR REPLACE FUNCTION lessonloop_team.check_push(p_items jsonb) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    it jsonb;
    counts jsonb;
    entry record;
    item_label text;
    expected text;
BEGIN
    IF jsonb_typeof(p_items) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'a push is a list of items' USING ERRCODE = '22023';
    END IF;
    IF jsonb_array_length(p_items) > 500 THEN
        RAISE EXCEPTION 'a push holds at most 500 items (this one %)', jsonb_array_length(p_items)
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
        IF it->>'kind' IS NULL OR it->>'kind' NOT IN ('lesson', 'command')
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
        IF jsonb_typeof(it->'payload') IS DISTINCT FROM 'object' OR octet_length((it->'payload')::text) > 65536 THEN
            RAISE EXCEPTION '%: its texts are not an object of at most 65536 bytes', item_label
                USING ERRCODE = '22023';
        END IF;
        IF it ? 'evidence' AND jsonb_typeof(it->'evidence') <> 'null'
           AND (jsonb_typeof(it->'evidence') <> 'object' OR octet_length((it->'evidence')::text) > 65536) THEN
            RAISE EXCEPTION '%: its evidence is not an object of at most 65536 bytes', item_label
                USING ERRCODE = '22023';
        END IF;
        IF (it ? 'first_seen' AND jsonb_typeof(it->'first_seen') NOT IN ('string', 'null'))
           OR (it ? 'last_seen' AND jsonb_typeof(it->'last_seen') NOT IN ('string', 'null'))
           OR length(it->>'first_seen') > 40 OR length(it->>'last_seen') > 40 THEN
            RAISE EXCEPTION '%: its first or last seen is not a time', item_label USING ERRCODE = '22023';
        END IF;
        IF it ? 'embedding' AND jsonb_typeof(it->'embedding') <> 'null'
           AND (jsonb_typeof(it->'embedding') <> 'array' OR jsonb_array_length(it->'embedding') > 4096
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
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('lessonloop_team.changes'));
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

CREATE OR REPLACE FUNCTION lessonloop_team.pull(p_member text, p_token text, p_after bigint, p_limit integer)
RETURNS TABLE (seq bigint, id text, kind text, project text, signature text, payload jsonb,
               rejected_by text, reject_reason text, totals jsonb, members text[], first_seen text, last_seen text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = lessonloop_team, pg_temp AS $$
BEGIN
    PERFORM member_role(p_member, p_token);
    RETURN QUERY
    SELECT i.seq, i.id, i.kind, i.project, i.signature, i.payload, i.rejected_by, i.reject_reason,
           coalesce((SELECT jsonb_object_agg(t.key, t.total) FROM (
               SELECT e.key, sum(e.value::text::numeric) AS total
               FROM contributions c, jsonb_each(c.counts) e
               WHERE c.item_id = i.id AND jsonb_typeof(e.value) = 'number' GROUP BY e.key) t), '{}'::jsonb),
           item_members(i.id),
           (SELECT min(c.first_seen) FROM contributions c WHERE c.item_id = i.id),
           (SELECT max(c.last_seen) FROM contributions c WHERE c.item_id = i.id)
    FROM items i WHERE i.seq > p_after ORDER BY i.seq LIMIT p_limit;
    UPDATE members SET last_pull_at = now(), last_pull_seq = greatest(coalesce(last_pull_seq, 0), p_after)
    WHERE name = p_member;
END $$;

-- pull, with the author whose texts an item carries and each member's own counts ({member: counts}):
-- the puller decides whose evidence it counts (its own trust in each member), not the sum.
CREATE OR REPLACE FUNCTION lessonloop_team.pull_items(p_member text, p_token text, p_after bigint, p_limit integer)
RETURNS TABLE (seq bigint, id text, kind text, project text, signature text, payload jsonb,
               rejected_by text, reject_reason text, totals jsonb, members text[], first_seen text, last_seen text,
               author text, member_counts jsonb)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = lessonloop_team, pg_temp AS $$
BEGIN
    RETURN QUERY  -- pull's rows (it checks the member and records the pull), with two columns more
    SELECT p.seq, p.id, p.kind, p.project, p.signature, p.payload, p.rejected_by, p.reject_reason, p.totals,
           p.members, p.first_seen, p.last_seen, i.author,
           coalesce((SELECT jsonb_object_agg(c.member, c.counts) FROM contributions c WHERE c.item_id = p.id),
                    '{}'::jsonb)
    FROM pull(p_member, p_token, p_after, p_limit) p JOIN items i ON i.id = p.id ORDER BY p.seq;
END $$;

CREATE OR REPLACE FUNCTION lessonloop_team.forget(p_member text, p_token text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = lessonloop_team, pg_temp AS $$
DECLARE gone text; removed integer := 0;
BEGIN
    PERFORM member_role(p_member, p_token);
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('lessonloop_team.changes'));
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
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('lessonloop_team.changes'));
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

GRANT USAGE ON SCHEMA lessonloop_team TO PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA lessonloop_team FROM PUBLIC;
REVOKE ALL ON FUNCTION lessonloop_team.settle_author(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION lessonloop_team.item_members(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION lessonloop_team.check_push(jsonb) FROM PUBLIC;
