"""Device enrolment, tickets and revocation."""
