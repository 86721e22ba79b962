"""Web Push (RFC 8030/8291/8292): VAPID keys, subscriptions and personal-data-free notices."""
