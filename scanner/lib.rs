//! soc2scan (in progress)
