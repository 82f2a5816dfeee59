//! Integration tests of the fakes over real HTTP, called the way the bot's clients call them.

mod stars;
mod telegram;
