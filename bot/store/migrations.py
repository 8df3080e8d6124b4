"""The database's schema, one migration per version, and the keys of the `meta` table.

Each migration runs once, in its own transaction, in order (`StoreBase._migrate`); the one
that seals the Telegram ids (`SEALED_IDS`) carries its rows over in `rekeying.py`, which holds
the keys.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE users (
        tg_id INTEGER PRIMARY KEY,
        language TEXT NOT NULL,
        active_seminar_id INTEGER,
        setup_step TEXT NOT NULL DEFAULT 'none',
        setup_draft TEXT NOT NULL DEFAULT '{}',
        blocked INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE seminars (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        language TEXT NOT NULL,
        phase TEXT NOT NULL,
        questions TEXT NOT NULL,
        invite_code TEXT NOT NULL UNIQUE,
        group_size INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        closed_at TEXT
    );
    CREATE TABLE members (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        tg_id INTEGER NOT NULL,
        role TEXT NOT NULL,
        PRIMARY KEY (seminar_id, tg_id)
    ) WITHOUT ROWID;
    CREATE INDEX members_by_user ON members(tg_id);
    CREATE TABLE writers (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        pseudonym TEXT NOT NULL,
        question INTEGER NOT NULL DEFAULT 0,
        awaiting TEXT NOT NULL DEFAULT 'note',
        target_note_id INTEGER,
        draft TEXT,
        draft_ref TEXT,
        done INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (seminar_id, pseudonym)
    ) WITHOUT ROWID;
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        author TEXT NOT NULL,
        question INTEGER NOT NULL,
        text TEXT NOT NULL,
        source_ref TEXT UNIQUE,
        hidden INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX notes_by_author ON notes(seminar_id, author);
    CREATE INDEX notes_by_seminar ON notes(seminar_id, question);
    CREATE TABLE processed_updates (update_id INTEGER PRIMARY KEY);
    """,
    """
    ALTER TABLE seminars ADD COLUMN plenary_chat_id INTEGER;
    ALTER TABLE seminars ADD COLUMN notes_revealed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE seminars ADD COLUMN deal_all_notes INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE seminars ADD COLUMN dot_budget INTEGER NOT NULL DEFAULT 5;
    ALTER TABLE seminars ADD COLUMN dot_max_per_theme INTEGER NOT NULL DEFAULT 3;
    ALTER TABLE seminars ADD COLUMN dot_vote TEXT NOT NULL DEFAULT 'not_started';
    ALTER TABLE members ADD COLUMN display_name TEXT;
    ALTER TABLE writers ADD COLUMN group_id INTEGER;
    ALTER TABLE notes ADD COLUMN group_id INTEGER;
    ALTER TABLE notes ADD COLUMN paper INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE notes ADD COLUMN settled INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE notes ADD COLUMN settled_theme_id INTEGER;
    CREATE TABLE groups (
        id INTEGER PRIMARY KEY,
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        UNIQUE (seminar_id, number)
    );
    CREATE TABLE themes (
        id INTEGER PRIMARY KEY,
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        group_id INTEGER,
        name TEXT NOT NULL,
        key TEXT NOT NULL,
        merged_into INTEGER
    );
    CREATE UNIQUE INDEX themes_by_key ON themes(seminar_id, ifnull(group_id, 0), key)
        WHERE merged_into IS NULL;
    CREATE TABLE votes (
        note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        theme_id INTEGER NOT NULL,
        PRIMARY KEY (note_id, voter)
    ) WITHOUT ROWID;
    CREATE INDEX votes_by_voter ON votes(voter);
    CREATE TABLE dots (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        theme_id INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (seminar_id, voter, theme_id)
    ) WITHOUT ROWID;
    CREATE TABLE moderator_invites (
        code TEXT PRIMARY KEY,
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        expires_at TEXT NOT NULL,
        used INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE TABLE progress_messages (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        chat_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        PRIMARY KEY (seminar_id, chat_id)
    ) WITHOUT ROWID;
    """,
    """
    ALTER TABLE seminars ADD COLUMN office_chat_id INTEGER;
    ALTER TABLE seminars ADD COLUMN previous_id INTEGER;
    ALTER TABLE members ADD COLUMN wants_summaries INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE broadcasts (
        id INTEGER PRIMARY KEY,
        seminar_id INTEGER REFERENCES seminars(id) ON DELETE CASCADE,
        origin TEXT UNIQUE,
        screens TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE deliveries (
        broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
        chat_id INTEGER NOT NULL,
        language TEXT NOT NULL,
        sent_screens INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'pending',
        PRIMARY KEY (broadcast_id, chat_id)
    ) WITHOUT ROWID;
    CREATE INDEX deliveries_pending ON deliveries(status, broadcast_id);
    CREATE TABLE schedules (
        id INTEGER PRIMARY KEY,
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        run_at TEXT NOT NULL,
        daily_at TEXT,
        created_by INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        created_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX one_open_or_close ON schedules(seminar_id, kind)
        WHERE status IN ('pending', 'running') AND kind IN ('open', 'close');
    CREATE INDEX schedules_due ON schedules(status, run_at);
    CREATE TABLE readbacks (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        answer TEXT NOT NULL,
        note TEXT,
        PRIMARY KEY (seminar_id, voter)
    ) WITHOUT ROWID;
    """,
    """
    CREATE INDEX notes_by_group ON notes(group_id);
    CREATE INDEX writers_by_group ON writers(group_id);
    CREATE INDEX themes_by_group ON themes(seminar_id, group_id);
    CREATE TABLE note_edits (
        ref TEXT PRIMARY KEY,
        note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX note_edits_by_note ON note_edits(note_id);
    """,
    # One row per dot, keyed by the press that gave it: a count is read, never added to, so a
    # press handled twice cannot give two dots. Replies owed to people wait in `outbox` until
    # they are through, so an answer decided before a crash is still given after it.
    """
    CREATE TABLE dot_presses (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        press INTEGER NOT NULL,
        theme_id INTEGER NOT NULL,
        PRIMARY KEY (seminar_id, voter, press)
    ) WITHOUT ROWID;
    INSERT INTO dot_presses (seminar_id, voter, press, theme_id)
        WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 1000)
        SELECT d.seminar_id, d.voter, -(d.theme_id * 1000 + n.k), d.theme_id
        FROM dots d JOIN n ON n.k <= d.count;
    DROP TABLE dots;
    ALTER TABLE dot_presses RENAME TO dots;
    CREATE INDEX dots_by_theme ON dots(seminar_id, theme_id);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL,
        reply TEXT NOT NULL
    );
    """,
    # No Telegram id in the clear: the tables that held one are rebuilt with its keyed lookup
    # hash (`person`, `recipient`, `chat_key`) and, where the bot must reach the chat, the id
    # sealed (`chat`, `created_by`, the seminars' `plenary_chat` and `office_chat`). Co-moderators'
    # names and the replies in the outbox are sealed whole. The rows are carried over by
    # `Store._seal_clear_ids`, which holds the keys, in the same transaction; the old
    # `plenary_chat_id` and `office_chat_id` columns are left empty (SQLite before 3.35 cannot
    # drop a column).
    """
    ALTER TABLE users RENAME TO legacy_users;
    ALTER TABLE members RENAME TO legacy_members;
    ALTER TABLE progress_messages RENAME TO legacy_progress_messages;
    ALTER TABLE deliveries RENAME TO legacy_deliveries;
    ALTER TABLE outbox RENAME TO legacy_outbox;
    ALTER TABLE schedules RENAME TO legacy_schedules;
    DROP INDEX members_by_user;
    DROP INDEX deliveries_pending;
    DROP INDEX one_open_or_close;
    DROP INDEX schedules_due;
    CREATE TABLE users (
        person BLOB PRIMARY KEY,
        language TEXT NOT NULL,
        active_seminar_id INTEGER,
        setup_step TEXT NOT NULL DEFAULT 'none',
        setup_draft TEXT NOT NULL DEFAULT '{}',
        blocked INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE TABLE members (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        person BLOB NOT NULL,
        chat BLOB NOT NULL,
        role TEXT NOT NULL,
        display_name BLOB,
        wants_summaries INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (seminar_id, person)
    ) WITHOUT ROWID;
    CREATE INDEX members_by_person ON members(person);
    ALTER TABLE seminars ADD COLUMN plenary_chat BLOB;
    ALTER TABLE seminars ADD COLUMN office_chat BLOB;
    CREATE TABLE progress_messages (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        chat_key BLOB NOT NULL,
        chat BLOB NOT NULL,
        message_id INTEGER NOT NULL,
        PRIMARY KEY (seminar_id, chat_key)
    ) WITHOUT ROWID;
    CREATE TABLE deliveries (
        broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
        recipient BLOB NOT NULL,
        chat BLOB NOT NULL,
        language TEXT NOT NULL,
        sent_screens INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'pending',
        PRIMARY KEY (broadcast_id, recipient)
    ) WITHOUT ROWID;
    CREATE INDEX deliveries_pending ON deliveries(status, broadcast_id);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        reply BLOB NOT NULL
    );
    CREATE TABLE schedules (
        id INTEGER PRIMARY KEY,
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        run_at TEXT NOT NULL,
        daily_at TEXT,
        created_by BLOB NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        created_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX one_open_or_close ON schedules(seminar_id, kind)
        WHERE status IN ('pending', 'running') AND kind IN ('open', 'close');
    CREATE INDEX schedules_due ON schedules(status, run_at);
    """,
    # Owners: the creator of a seminar owns it, and nobody can remove an owner. The creator was
    # never recorded before, so every moderator of an existing seminar is an owner until one of
    # them hands ownership over. The join link's generation starts at 1 for an existing seminar,
    # so the welcome and consent buttons given out before it was counted (they carry none) answer
    # that the link has changed rather than ask which link they came from.
    """
    ALTER TABLE members ADD COLUMN owner INTEGER NOT NULL DEFAULT 0;
    UPDATE members SET owner = 1 WHERE role = 'moderator';
    ALTER TABLE seminars ADD COLUMN invite_generation INTEGER NOT NULL DEFAULT 0;
    UPDATE seminars SET invite_generation = 1;
    """,
    # A note a moderator shortened says so wherever it is shown, the report included.
    """
    ALTER TABLE notes ADD COLUMN shortened INTEGER NOT NULL DEFAULT 0;
    """,
    # A seminar nobody closed is purged once it has lain still for the retention period: the
    # database itself notes its last activity (its creation, a join, a note written or edited,
    # a theme, a vote, a dot, a read-back answer, a phase change) through `seminar_clock()`,
    # the bot's clock, which `Store.open` gives its connection; a rekey changes none of the
    # columns the triggers watch. Seminars already there get a full period from now.
    # `users.chat` keeps a person's id sealed beside their lookup hash, so a rekey can make the
    # hash again for someone in no seminar too.
    """
    ALTER TABLE users ADD COLUMN chat BLOB;
    ALTER TABLE seminars ADD COLUMN last_active TEXT;
    UPDATE seminars SET last_active = seminar_clock();
    CREATE INDEX seminars_by_activity ON seminars(phase, last_active);
    CREATE TRIGGER seminar_created AFTER INSERT ON seminars BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.id; END;
    CREATE TRIGGER note_written AFTER INSERT ON notes BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    CREATE TRIGGER note_edited AFTER UPDATE OF text ON notes BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    CREATE TRIGGER vote_given AFTER INSERT ON votes BEGIN
        UPDATE seminars SET last_active = seminar_clock()
        WHERE id = (SELECT seminar_id FROM notes WHERE id = NEW.note_id); END;
    CREATE TRIGGER vote_changed AFTER UPDATE OF theme_id ON votes BEGIN
        UPDATE seminars SET last_active = seminar_clock()
        WHERE id = (SELECT seminar_id FROM notes WHERE id = NEW.note_id); END;
    CREATE TRIGGER dot_given AFTER INSERT ON dots BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    CREATE TRIGGER theme_made AFTER INSERT ON themes BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    CREATE TRIGGER read_back AFTER INSERT ON readbacks BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    CREATE TRIGGER read_back_changed AFTER UPDATE OF answer ON readbacks BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    CREATE TRIGGER member_joined AFTER INSERT ON members BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    CREATE TRIGGER phase_changed AFTER UPDATE OF phase, dot_vote ON seminars BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.id; END;
    """,
    # 10: how many themes each person has proposed in their group, so one person cannot flood
    # everyone's vote cards; a count, not which themes, so it links nobody to a theme.
    """
    ALTER TABLE writers ADD COLUMN themes_proposed INTEGER NOT NULL DEFAULT 0;
    """,
    # 11: the dot card counts the notes each theme holds on every press; this index holds
    # exactly what that count reads, so it never reads the notes themselves.
    """
    CREATE INDEX notes_by_settled_theme ON notes(seminar_id, settled, settled_theme_id, group_id);
    """,
    # 12: a moderator's live message is their cockpit; it knows the step it showed, so a new
    # step posts a fresh one below what the step said. The plenary chat's has no step ('').
    """
    ALTER TABLE progress_messages ADD COLUMN step TEXT NOT NULL DEFAULT '';
    """,
    # 13: the vote card each member has open and the note it shows, so the bot can edit it
    # when the group's themes change; a message id, which names nobody.
    """
    ALTER TABLE writers ADD COLUMN card_message INTEGER;
    ALTER TABLE writers ADD COLUMN card_index INTEGER NOT NULL DEFAULT 0;
    """,
    # 14: participants' questions to the moderators. The asker is only sealed (a random nonce
    # each time, so two questions of one person look unrelated, and nothing in the row leads
    # to a member or a writer); ids are random, so they say nothing of the order either. A
    # question is activity, as a note is; the retention purge deletes them with the seminar.
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        asker BLOB NOT NULL,
        text TEXT NOT NULL,
        answer TEXT
    );
    CREATE INDEX questions_by_seminar ON questions(seminar_id);
    CREATE TRIGGER question_asked AFTER INSERT ON questions BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    """,
    # 15: the read-back asks about each theme, so an answer is keyed by the theme too (0: an
    # answer about all the themes together, given before); still a count per pseudonym, which
    # can be changed but never counted twice. And when the report was made, so participants
    # can ask for its short version.
    """
    CREATE TABLE readbacks_by_theme (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        theme_id INTEGER NOT NULL DEFAULT 0,
        answer TEXT NOT NULL,
        note TEXT,
        PRIMARY KEY (seminar_id, voter, theme_id)
    ) WITHOUT ROWID;
    INSERT INTO readbacks_by_theme (seminar_id, voter, theme_id, answer, note)
        SELECT seminar_id, voter, 0, answer, note FROM readbacks;
    DROP TABLE readbacks;
    ALTER TABLE readbacks_by_theme RENAME TO readbacks;
    CREATE TRIGGER read_back AFTER INSERT ON readbacks BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    CREATE TRIGGER read_back_changed AFTER UPDATE OF answer ON readbacks BEGIN
        UPDATE seminars SET last_active = seminar_clock() WHERE id = NEW.seminar_id; END;
    ALTER TABLE seminars ADD COLUMN reported_at TEXT;
    """,
    # 16: questions in the reader's language. A seminar with the method's standard questions
    # shows each reader their catalog's wording (earlier seminars with them, in nb, nn or en,
    # are found by their text); a moderator's own questions may be given in more languages,
    # as a JSON object {language: [question, ...]}. Nothing says which language a note is in.
    """
    ALTER TABLE seminars ADD COLUMN standard_questions INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE seminars ADD COLUMN question_translations TEXT NOT NULL DEFAULT '{}';
    UPDATE seminars SET standard_questions = 1 WHERE json_valid(questions) AND json(questions) IN (
        json('["Hva har du vært mest fornøyd med og hatt mest nytte av i møte med det offentlige '
        || 'hjelpeapparatet?", "Hva var det som gjorde dette til en bra opplevelse?"]'),
        json('["Kva har du vore mest nøgd med og hatt mest nytte av i møte med det offentlege '
        || 'hjelpeapparatet?", "Kva var det som gjorde dette til ei god oppleving?"]'),
        json('["What have you been most satisfied with and found most useful in your '
        || 'encounters with the public support services?", '
        || '"What was it that made this a good experience?"]')
    );
    """,
    # 17: the service office's e-mail addresses, which /report sends the report to. They are
    # the office's, not a person's, so they are kept as typed; they go with the seminar.
    """
    CREATE TABLE office_emails (
        id INTEGER PRIMARY KEY,
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        address TEXT NOT NULL COLLATE NOCASE,
        UNIQUE (seminar_id, address)
    );
    """,
    # 18: seminar series and their follow-up. Every seminar belongs to a series (one of its
    # own until a moderator starts the next seminar from it) and has a kind: users, staff or
    # joint. What a series keeps holds no person: the themes its seminars ended with, with a
    # few quotes; which earlier theme each question of a joint seminar, and each proposal,
    # answers; and the follow-up of the proposals. It outlives the retention purge of its
    # seminars (their ids become NULL), and nothing in it leads to a member, writer or note.
    """
    CREATE TABLE series (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        language TEXT NOT NULL
    );
    INSERT INTO series (id, title, language) SELECT id, title, language FROM seminars;
    ALTER TABLE seminars ADD COLUMN series_id INTEGER REFERENCES series(id);
    ALTER TABLE seminars ADD COLUMN kind TEXT NOT NULL DEFAULT 'users';
    UPDATE seminars SET series_id = id;
    CREATE INDEX seminars_by_series ON seminars(series_id);
    CREATE TABLE series_themes (
        id INTEGER PRIMARY KEY,
        series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        seminar_id INTEGER REFERENCES seminars(id) ON DELETE SET NULL,
        kind TEXT NOT NULL,
        rank INTEGER NOT NULL,
        name TEXT NOT NULL,
        dots INTEGER NOT NULL,
        quotes TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX series_themes_by_series ON series_themes(series_id);
    CREATE TABLE joint_questions (
        seminar_id INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
        question INTEGER NOT NULL,
        theme_id INTEGER NOT NULL REFERENCES series_themes(id) ON DELETE CASCADE,
        PRIMARY KEY (seminar_id, question)
    ) WITHOUT ROWID;
    CREATE TABLE lineage (
        proposal_id INTEGER NOT NULL REFERENCES series_themes(id) ON DELETE CASCADE,
        answers_id INTEGER NOT NULL REFERENCES series_themes(id) ON DELETE CASCADE,
        PRIMARY KEY (proposal_id, answers_id)
    ) WITHOUT ROWID;
    CREATE TABLE followups (
        proposal_id INTEGER PRIMARY KEY REFERENCES series_themes(id) ON DELETE CASCADE,
        owner TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'planned',
        reason TEXT NOT NULL DEFAULT '',
        due TEXT,
        reminded_due TEXT,
        changed_at TEXT
    );
    CREATE TABLE status_changes (
        id INTEGER PRIMARY KEY,
        proposal_id INTEGER NOT NULL REFERENCES series_themes(id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        told INTEGER NOT NULL DEFAULT 0
    );
    """,
    # 19: the office's links to the follow-up page of a series. A link is its random id and a
    # random secret; only the keyed hash of both is kept (`Keyring.link_mac`), so the file
    # alone opens no page. A link ends at `expires_at` or when a moderator stops it.
    """
    CREATE TABLE followup_links (
        id INTEGER PRIMARY KEY,
        series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        mac BLOB NOT NULL,
        expires_at TEXT NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX followup_links_by_series ON followup_links(series_id);
    """,
    # 20: who asked to hear what comes of a series' proposals. A wish is a random id, its
    # series, the person's chat sealed (a fresh nonce each time, so two wishes of one person
    # look unrelated) and the language to tell them in: no lookup hash, no pseudonym, no time.
    # It lives until every proposal of its series is final or the person withdraws it, and
    # goes with its series.
    """
    CREATE TABLE hear_back (
        id INTEGER PRIMARY KEY,
        series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        chat BLOB NOT NULL,
        language TEXT NOT NULL
    );
    """,
    # 21: which seminar a kept theme came from, beyond the purge (`seminar_id` becomes NULL
    # then): `batch` is the id of the first theme kept at that seminar's end, so a joint
    # seminar takes the top themes of one seminar only. Themes kept before this: by seminar
    # while it is kept, else by runs of ranks (each seminar's themes were kept from rank 1 on).
    """
    ALTER TABLE series_themes ADD COLUMN batch INTEGER;
    UPDATE series_themes SET batch = (
        SELECT MIN(s.id) FROM series_themes s WHERE s.seminar_id = series_themes.seminar_id
    ) WHERE seminar_id IS NOT NULL;
    UPDATE series_themes SET batch = (
        SELECT MAX(s.id) FROM series_themes s WHERE s.series_id = series_themes.series_id
        AND s.rank = 1 AND s.id <= series_themes.id
    ) WHERE seminar_id IS NULL;
    CREATE INDEX series_themes_by_batch ON series_themes(series_id, kind, batch);
    """,
    # 22: the office of a series, kept on the series too: its bound chat (sealed, as the
    # seminar's is) and its e-mail addresses, copied whenever a seminar of the series binds its
    # office chat or lists an address, so the follow-up still reaches the office once the
    # retention purge has deleted every seminar of the series. They go with the series.
    """
    ALTER TABLE series ADD COLUMN office_chat BLOB;
    UPDATE series SET office_chat = (
        SELECT s.office_chat FROM seminars s
        WHERE s.series_id = series.id AND s.office_chat IS NOT NULL
        ORDER BY s.created_at DESC, s.id DESC LIMIT 1
    );
    CREATE TABLE series_office_emails (
        series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        address TEXT NOT NULL COLLATE NOCASE,
        PRIMARY KEY (series_id, address)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO series_office_emails (series_id, address)
        SELECT s.series_id, e.address FROM office_emails e JOIN seminars s ON s.id = e.seminar_id;
    """,
)

# The migration that seals the Telegram ids: it needs the keys, so the ones before it run first.
SEALED_IDS = 6

CHECK_KEY = "secret_check"
KDF_KEY = "kdf"
# "legacy": a database the bot used before ids were sealed keeps its pseudonyms, message
# references and button MACs under the keys derived from the secret alone (`Keyring(secret)`),
# since the ones it already gave out cannot all be made again; "sealed": a database made since
# derives them from the scrypt root too.
KEYRING_KEY = "keyring"
# The message and button keys of the secrets before a rekey (`RetiredKeys`), sealed as text.
RETIRED_KEY = "retired_keys"
