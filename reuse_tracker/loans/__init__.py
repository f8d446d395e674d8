"""Schools, waves, families and loans: from referral to hand-over, return and the next family."""
