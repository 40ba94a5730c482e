#pragma once

class QLabel;

namespace warden {

// How a label's text reads: plain, or in the outcome colours of OutcomeDelegate.
enum class Tint { None, Ok, Error };

// Colours the label's text for `tint`, and keeps doing so when the palette changes (light/dark
// switch), so a shown error never keeps the other scheme's red. The one place labels get their
// outcome colour.
void tintLabel(QLabel *label, Tint tint);

} // namespace warden
