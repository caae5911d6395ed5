"""The post-session form: the six factors, the blind-until-both-rated rule, and saving a rating once."""
