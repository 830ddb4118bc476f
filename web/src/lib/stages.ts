// The plain-language progress line of each method: which stage a case stands in, from its open steps.
export const METHOD_STAGES: Record<string, string[]> = {
  five_step: ['propose', 'consult', 'evaluate', 'review', 'decide', 'publish', 'implement', 'assess'],
  three_stage_six_step: ['collect', 'vet', 'consult', 'resolve', 'publish_implement', 'feedback_evaluate'],
  building_collective_bargaining: ['teams', 'request', 'prepare', 'negotiate', 'congress', 'sign_file', 'review_effective', 'publish'],
};

const BY_ELEMENT: Record<string, string> = {
  A_UT_Register: 'propose', A_UT_Triage: 'propose', A_UT_ReplyProposer: 'propose', A_UT_UrgeReply: 'propose',
  A_UT_Consult: 'consult', A_UT_DecideContinue: 'consult', A_CA_PublishWithdrawal: 'consult',
  A_UT_Evaluate: 'evaluate',
  A_UT_PartyReview: 'review', A_CA_PublishRejection: 'review',
  A_CA_AssemblyVote: 'decide', A_UT_EscalateStreet: 'decide', A_CA_PublishNonAdoption: 'decide', A_UT_DecideResubmit: 'decide',
  A_CA_PublishResolution: 'publish',
  A_CA_Implementation: 'implement', A_CA_PublishResult: 'implement',
  A_CA_Evaluation: 'assess', A_UT_Rework: 'assess', A_CA_Archive: 'assess',
  B_UT_Collect: 'collect',
  B_UT_Confirm: 'vet', B_UT_ReplyProposer: 'vet', B_UT_DefineParticipants: 'vet', B_UT_PreNotify: 'vet', B_TE_Meeting: 'vet',
  B_UT_Consult: 'consult',
  B_UT_RecordAgreement: 'resolve', B_CA_AssemblyVote: 'resolve', B_UT_DecideAfterRejection: 'resolve',
  B_CA_PublishRejection: 'resolve', B_UT_EscalateStreet: 'resolve',
  B_CA_Publish: 'publish_implement', B_CA_Implementation: 'publish_implement',
  B_UT_Feedback: 'feedback_evaluate', B_CA_Evaluation: 'feedback_evaluate', B_UT_Rework: 'feedback_evaluate',
  B_CA_Archive: 'feedback_evaluate',
  C_UT_EmployeeReps: 'teams', C_UT_EmployerReps: 'teams', C_UT_PublishReps: 'teams', C_UT_CorrectReps: 'teams',
  C_UT_IssueRequest: 'request', C_UT_Reply: 'request', C_UT_Escalate: 'request', C_UT_Coordinate: 'request',
  C_UT_Prepare: 'prepare',
  C_UT_Negotiate: 'negotiate', C_UT_EscalateStalled: 'negotiate', C_UT_Suspend: 'negotiate',
  C_UT_DraftSigned: 'congress', C_UT_RenegotiateObjection: 'congress',
  C_UT_Sign: 'sign_file', C_UT_File: 'sign_file', C_UT_RemindFiling: 'sign_file', C_UT_EscalateLateFiling: 'sign_file',
  C_UT_Review: 'review_effective',
  C_UT_Publish: 'publish', C_UT_UrgePublication: 'publish',
};

const BY_CALLED_PROCESS: Record<string, Record<string, string>> = {
  five_step: { assembly_vote: 'decide', publication: 'publish', classified_implementation: 'implement',
    residents_evaluation: 'assess', archive_case: 'assess' },
  three_stage_six_step: { assembly_vote: 'resolve', publication: 'publish_implement',
    classified_implementation: 'publish_implement', residents_evaluation: 'feedback_evaluate',
    archive_case: 'feedback_evaluate' },
  building_collective_bargaining: { congress_vote: 'congress', publication: 'publish' },
};

export interface StepRef {
  element_id: string;
  process_key?: string | null;
}

/** The index of the stage the case stands in (the furthest of its open steps), or -1 when unknown. */
export function currentStage(method: string, steps: StepRef[]): number {
  const stages = METHOD_STAGES[method];
  if (!stages) return -1;
  let best = -1;
  for (const step of steps) {
    const stage = BY_ELEMENT[step.element_id]
      ?? (step.process_key && step.process_key !== method ? BY_CALLED_PROCESS[method]?.[step.process_key] : undefined);
    const index = stage ? stages.indexOf(stage) : -1;
    if (index > best) best = index;
  }
  return best;
}
