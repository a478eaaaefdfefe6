-- Every message not delivered: queued after a server error (retried by the next run), or
-- uncertain (a run stopped while sending it: never sent again; check with the recipient).
select kind, recipients, subject, status, attempts, last_error, queued_at
from ops.outgoing_mail
where status = 'uncertain' or (status = 'queued' and last_error is not null)
order by queued_at, message_id
