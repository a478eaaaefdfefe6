-- 0006: the agency's mailbox as a channel (issue 18). Each message the mail intake handled,
-- keyed by its Message-ID (or the sha256 of the message when it has none), so a message seen
-- twice is taken once; and each file it brought into the inbox, with the sender as lineage.
create table if not exists ops.incoming_mail (
    message_key varchar primary key,
    message_id varchar,
    sender varchar,
    subject varchar,
    sent_at timestamp,
    received_at timestamp,
    size_bytes bigint,
    eml_path varchar,
    status varchar not null,
    rule varchar,
    reason_vi varchar,
    reason_en varchar,
    files varchar[] not null,
    taken_at timestamp not null,
    moved_to varchar,
    moved_at timestamp,
    run_id varchar
);
comment on table ops.incoming_mail is 'One row per message the mail intake handled: its Message-ID (message_key is the sha256 of the message when it has none), sender, subject, when it was sent and received, the copy kept under data/mail/, and its status: taken (its attachments went to the inbox, as files), or refused (rule and reason in both languages: the sender is not registered, no attachment, too large, an automatic message). moved_to / moved_at: the mailbox folder it was moved to; empty until the move (a crash in between: the next run moves it and takes nothing twice).';

create table if not exists ops.incoming_mail_files (
    message_key varchar not null,
    file_name varchar not null,
    attachment_name varchar not null,
    sha256 varchar not null,
    sender varchar not null,
    received_at timestamp,
    primary key (message_key, file_name)
);
comment on table ops.incoming_mail_files is 'Each attachment a message brought into the inbox: the file name it was given there (the attachment''s own name, made safe), the name in the message, its sha256 (which joins the file ledger and raw.submission_files), and its sender: the address that must be registered for the file''s tax code, and to which the receipt is a reply.';
