"""Scripts for the people who keep the bot: not part of the running bot."""
