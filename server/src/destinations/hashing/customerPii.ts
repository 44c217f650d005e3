// The PII of one customer as the pipeline reads it from our database. Raw values never leave
// paidsync: every network gets them normalised and hashed by the functions beside this file.
export interface CustomerPii {
  externalId: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  country: string | null;
  /** 'YYYY-MM-DD' */
  dateOfBirth: string | null;
  gender: string | null;
}

export interface HashingOptions {
  /** calling code put in front of a phone number written without one (no '+', no '00'); default '1' */
  defaultCountryCallingCode?: string;
}
