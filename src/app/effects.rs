//! What the app and its screens ask of the world outside the state: orders for the sources, text
//! for the terminal's clipboard, files to write and a one-line answer for the footer. They are
//! collected here while an action is handled and carried out by the loop (`run`), so handling
//! a key never does I/O and a screen can ask for them without knowing the app.

use super::save::FileOrder;
use crate::source::Control;

#[derive(Default)]
pub struct Effects {
    /// Orders for the sources, sent by the loop to every source.
    controls: Vec<Control>,
    /// Text to put on the terminal's clipboard (OSC 52).
    clipboard: Option<String>,
    /// Files `:save` and `:export` asked for, written off the loop.
    files: Vec<FileOrder>,
    /// A one-line answer (a command's error, what a key did) shown in the footer until the
    /// next key.
    message: Option<String>,
}

impl Effects {
    pub fn send(&mut self, control: Control) {
        self.controls.push(control);
    }

    pub fn say(&mut self, message: impl Into<String>) {
        self.message = Some(message.into());
    }

    /// Hands `text` to the terminal's clipboard and says so.
    pub fn copy(&mut self, what: &str, text: String) {
        self.say(format!("copied {what} to the clipboard (OSC 52)"));
        self.clipboard = Some(text);
    }

    pub fn write(&mut self, order: FileOrder) {
        self.files.push(order);
    }

    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// A key was pressed: the last answer has been read.
    pub fn forget_message(&mut self) {
        self.message = None;
    }

    pub fn take_controls(&mut self) -> Vec<Control> {
        std::mem::take(&mut self.controls)
    }

    pub fn take_clipboard(&mut self) -> Option<String> {
        self.clipboard.take()
    }

    pub fn take_files(&mut self) -> Vec<FileOrder> {
        std::mem::take(&mut self.files)
    }
}
