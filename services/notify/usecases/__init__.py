"""Notify's use cases: the messages sent (invitation_sending, lifecycle_sending, over the shared
outbound plumbing) and the replies read (inbound, lifecycle_replies). Handlers call these."""
