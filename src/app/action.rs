//! Everything a user can ask of the app. Keys become `Action`s through the key map; `App::update`
//! is the only place they take effect.

use crate::store::Window;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    OpenDetail,
    Back,
    StartFilter,
    SortNext,
    SortReverse,
    FocusNext,
    FocusPrev,
    SetWindow(Window),
    CycleFlowScope,
    ToggleHelp,
    Refresh,
}
