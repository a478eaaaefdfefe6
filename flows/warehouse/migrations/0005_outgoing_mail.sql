-- 0005: every message netzero writes (issue 18): written first as an .eml in the outbox,
-- then recorded here, then sent when SMTP is configured. The message id is derived from what
-- the message is about, so writing it again after a crash finds the same row.
create table if not exists ops.outgoing_mail (
    message_id varchar primary key,
    kind varchar not null,
    about varchar not null,
    recipients varchar[] not null,
    subject varchar not null,
    eml_path varchar not null,
    files varchar[] not null,
    in_reply_to varchar,
    status varchar not null,
    attempts integer not null,
    last_error varchar,
    queued_at timestamp not null,
    sent_at timestamp,
    run_id varchar
);
comment on table ops.outgoing_mail is 'One row per message netzero wrote: its kind (receipt, …), what it is about, recipients, subject, the .eml in the outbox and the files attached, and its status: written (no SMTP server configured: the .eml is the output, never sent), queued (not sent yet; retried by the next run), sending (an attempt began; a run that finds it so after a crash marks it uncertain and never sends it again), sent, uncertain.';
