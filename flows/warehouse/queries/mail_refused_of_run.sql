-- The messages the mail intake refused in one run (?: the run id), for the agency's page.
select sender, subject, received_at, rule, reason_vi, reason_en, moved_to
from ops.incoming_mail
where run_id = ? and status = 'refused'
order by received_at, sender
